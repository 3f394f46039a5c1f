// drbdlvm(8): the XAPI SR type. device-config keys and capabilities come from the driver's own
// table, so the page cannot drift from what sr_get_driver_info answers.
import { CAPABILITIES, CONFIGURATION } from '../drbdlvm-sr/driver-info';
import type { HelpPage } from './page';

export const drbdlvmPage: HelpPage = {
  name: 'drbdlvm',
  section: 8,
  summary: 'XAPI storage repository type: LVM on a dual-primary DRBD device spanning two pool hosts',
  synopsis: ['xe sr-create type=drbdlvm shared=true name-label=NAME device-config:resource=RES [device-config:KEY=VALUE...]'],
  description: [
    'xapi runs /opt/xensource/sm/DrbdlvmSR with one XML-RPC methodCall as its argument and reads the methodResponse from its standard output (SMAPIv1). The SR keeps each VDI as a logical volume on one DRBD device replicated between the two hosts of a pool, and refuses to activate a VDI on one host while the other host has it active.',
    'Only one host writes: a VDI is activated read-write on a host only while no VDI of the SR is active on the other host, except for the disks of a VM that XenMotion is moving to this host, and only while DRBD is connected and both disks are UpToDate. Snapshots and fast clones are not offered (xe vdi-copy works); new VDIs are not zeroed. Proven against a XenAPI simulator and DRBD/LVM stand-ins; not yet on a real XCP-ng pool.',
    'xapi only loads drivers named in its sm-plugins list; the package installs /etc/xapi.conf.d/99-xen-drbd-drbdlvm.conf with the full list plus drbdlvm. Restart the toolstack (xe-toolstack-restart) on every host after installing or upgrading.',
  ],
  sections: [
    { title: 'Device config', items: CONFIGURATION.map((c) => ({ term: c.key, text: [c.description] })) },
    { title: 'Capabilities', paragraphs: [CAPABILITIES.join(' ')] },
    {
      title: 'Files',
      items: [
        { term: '/opt/xensource/sm/DrbdlvmSR', text: ['The driver (a Node.js program: needs node >= 18.19 as /usr/bin/node).'] },
        {
          term: '/etc/xapi.conf.d/99-xen-drbd-drbdlvm.conf',
          text: [
            'Adds drbdlvm to the sm-plugins whitelist. Each sm-plugins line replaces the whole list, so it carries every plugin XCP-ng enables, and sorts after 99-enable-sm-driver-linstor.conf.',
          ],
        },
        { term: '/var/log/SMlog', text: ['Where the driver logs (syslog facility local2, tag SM), as the other SM drivers do.'] },
      ],
    },
  ],
  seeAlso: ['xen-drbd(8)', 'block-drbd(8)', 'drbdadm(8)', 'xe(1)'],
};
