// The linter's decision: every rule over the gathered inputs, sorted. Pure.
import { sortFindings, type Finding } from './findings';
import type { CheckInputs } from './inputs';
import { RULES } from './rules';

export function runChecks(inputs: CheckInputs): Finding[] {
  return sortFindings(RULES.flatMap((rule) => rule(inputs)));
}
