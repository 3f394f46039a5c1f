// Every man page, by the name the install plan gives it. Not imported by block-drbd: only its own
// page goes into that bundle.
import type { ManPageName } from '../install/plan';
import { blockDrbdPage } from './block-drbd';
import { drbdlvmPage } from './drbdlvm';
import type { HelpPage } from './page';
import { xenDrbdPage } from './xen-drbd';

export const MAN_PAGES: Readonly<Record<ManPageName, HelpPage>> = {
  'block-drbd': blockDrbdPage,
  'xen-drbd': xenDrbdPage,
  drbdlvm: drbdlvmPage,
};
