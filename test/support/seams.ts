// The environment that runs a built executable on test seams (src/test-seams.ts): the switch, and
// each seam by its name.
import { SEAMS_SWITCH, TEST_SEAMS, type SeamName, type TestSeams } from '../../src/test-seams';

export function seamEnv(seams: TestSeams): Record<string, string> {
  const env: Record<string, string> = { [SEAMS_SWITCH]: '1' };
  for (const [name, value] of Object.entries(seams)) if (value !== undefined) env[TEST_SEAMS[name as SeamName].variable] = value;
  return env;
}
