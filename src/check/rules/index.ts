// Every rule, each in its own file and pure over CheckInputs.
import type { Rule } from '../inputs';
import { accessMode } from './access-mode';
import { autoStart } from './auto-start';
import { blockDrbdScript } from './block-drbd-script';
import { bootOrder } from './boot-order';
import { configSyntax } from './config-syntax';
import { directDevice } from './direct-device';
import { drbdAtBoot } from './drbd-at-boot';
import { drbdConfig } from './drbd-config';
import { fencing } from './fencing';
import { libvirtHook } from './libvirt-hook';
import { lvmFilter } from './lvm-filter';
import { migrationPolicy } from './migration-policy';
import { periodicVerify } from './periodic-verify';
import { protocol } from './protocol';
import { pygrub } from './pygrub';
import { resourceRef } from './resource-ref';
import { sendpage } from './sendpage';
import { sharedVolume } from './shared-volume';
import { splitBrain } from './split-brain';
import { verifyAlg } from './verify-alg';
import { xendomainsSave } from './xendomains-save';

export const RULES: readonly Rule[] = [
  configSyntax,
  resourceRef,
  accessMode,
  directDevice,
  sharedVolume,
  pygrub,
  protocol,
  fencing,
  migrationPolicy,
  verifyAlg,
  splitBrain,
  autoStart,
  xendomainsSave,
  drbdConfig,
  lvmFilter,
  sendpage,
  periodicVerify,
  drbdAtBoot,
  bootOrder,
  blockDrbdScript,
  libvirtHook,
];
