// Renames dist/<name>.cjs to dist/<name> (the installed, extensionless name) with mode 0755.
const fs = require('node:fs');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
for (const file of fs.readdirSync(dist)) {
  if (!file.endsWith('.cjs')) continue;
  const target = path.join(dist, file.slice(0, -'.cjs'.length));
  fs.renameSync(path.join(dist, file), target);
  fs.chmodSync(target, 0o755);
}
