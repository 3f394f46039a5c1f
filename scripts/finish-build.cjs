// Renames dist/<name>.cjs to dist/<name> (the installed, extensionless name) with mode 0755, and
// writes the name into the bundle's launcher (the placeholder of src/startup-snapshot/layout.ts).
const fs = require('node:fs');
const path = require('node:path');

const PLACEHOLDER = '@EXECUTABLE@';
const dist = path.join(__dirname, '..', 'dist');
for (const file of fs.readdirSync(dist)) {
  if (!file.endsWith('.cjs')) continue;
  const name = file.slice(0, -'.cjs'.length);
  const source = path.join(dist, file);
  const text = fs.readFileSync(source, 'utf8');
  const head = text.indexOf(PLACEHOLDER);
  if (head < 0 || head > text.indexOf('\n', text.indexOf('\n') + 1)) throw new Error(`${file}: no launcher in its first two lines`);
  const target = path.join(dist, name);
  fs.writeFileSync(target, text.replace(PLACEHOLDER, name), { mode: 0o755 });
  fs.chmodSync(target, 0o755);
  fs.unlinkSync(source);
}
