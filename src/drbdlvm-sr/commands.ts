// Every SMAPIv1 command xapi can send (docs/smapi.md §4), with what each is about. The dispatch table is
// a Record over this list, so a command added here without a handler breaks the build.

export const SM_COMMANDS = [
  'sr_get_driver_info',
  'sr_create',
  'sr_delete',
  'sr_attach',
  'sr_detach',
  'sr_scan',
  'sr_update',
  'sr_probe',
  'sr_content_type',
  'vdi_create',
  'vdi_delete',
  'vdi_attach',
  'vdi_detach',
  'vdi_activate',
  'vdi_deactivate',
  'vdi_resize',
  'vdi_resize_online',
  'vdi_snapshot',
  'vdi_clone',
  'vdi_introduce',
  'vdi_update',
  'vdi_epoch_begin',
  'vdi_epoch_end',
  'vdi_generate_config',
  'vdi_attach_from_config',
  'vdi_compose',
  'vdi_enable_cbt',
  'vdi_disable_cbt',
  'vdi_data_destroy',
  'vdi_list_changed_blocks',
  'vdi_revert',
] as const;

export type SmCommand = (typeof SM_COMMANDS)[number];

export function isSmCommand(s: string): s is SmCommand {
  return (SM_COMMANDS as readonly string[]).includes(s);
}

/**
 * Which request members a command must carry (docs/smapi.md §2): 'none' (sr_get_driver_info),
 * 'probe' (a session, no SR), 'sr' (an SR), 'vdi' (an SR and an existing VDI).
 */
export type Scope = 'none' | 'probe' | 'sr' | 'vdi';

export function scopeOf(c: SmCommand): Scope {
  if (c === 'sr_get_driver_info') return 'none';
  if (c === 'sr_probe') return 'probe';
  if (c.startsWith('sr_') || c === 'vdi_create' || c === 'vdi_introduce') return 'sr';
  return 'vdi';
}
