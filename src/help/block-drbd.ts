// block-drbd(8). Bundled into dist/block-drbd for `--help`, so kept short: the hot path (add,
// remove) parses it on every run.
import type { HelpPage } from './page';

export const blockDrbdPage: HelpPage = {
  name: 'block-drbd',
  section: 8,
  summary: 'Xen hotplug script for disks on DRBD resources',
  synopsis: ['block-drbd add|remove', 'block-drbd --help'],
  description: [
    'libxl runs /etc/xen/scripts/block-drbd for a disk given as drbd:RES (or script=block-drbd,target=RES) with XENBUS_PATH naming the backend; RES/VOL names one volume of a multi-volume resource. add promotes the resource and hands blkback the device; remove demotes it when no other backend uses the resource. It is not meant to be run by hand.',
    "add refuses while the peer is Primary outside a live migration, on a StandAlone resource, with no UpToDate data reachable and, on DRBD 9, on a host without quorum (any peer Primary counts). On the destination of xl migrate it switches the resource to dual-primary for the migration only (on DRBD 9, on the connection to the source only). A resource still connecting or settling is waited for up to promotableWaitSeconds (on DRBD 9 on its events2, on 8.4 every 0.5 s). One run has a 30 s budget from its start, under libxl's 40 s kill; add promotes only with 5 s of it left.",
  ],
  sections: [
    {
      title: 'Files',
      items: [
        { term: '/etc/xen/xen-drbd.json', text: ['Optional policy: migrationMode, budgetSeconds, promotableWaitSeconds, logLevel.'] },
        { term: '/run/xen-drbd/promoted', text: ['What add promoted, so that remove (or xen-drbd reconcile) demotes only that.'] },
        {
          term: '/var/log/xen/xen-hotplug.log',
          text: ["Every run's log; failures also go to syslog (tag block-drbd) and the backend's hotplug-error."],
        },
      ],
    },
    { title: 'Exit status', paragraphs: ['0 on success, 1 on a refusal or failure (libxl prints the hotplug-error).'] },
  ],
  seeAlso: ['xen-drbd(8)', 'xl-disk-configuration(5)', 'drbdadm(8)'],
};
