// libxl's side of the hotplug contract: how the script is called. See
// docs/xen-hotplug.md §1: argv[1] is the action, XENBUS_PATH the backend.

export type Action = 'add' | 'remove';

export interface HotplugRequest {
  readonly action: Action;
  /** `backend/vbd/<domid>/<devid>`, relative to this domain's xenstore home. */
  readonly backendPath: string;
  /** `backend`: where other backends live, for the sharing check. */
  readonly basePath: string;
  /** `vbd`. */
  readonly deviceType: string;
}

export type RequestResult =
  { readonly ok: true; readonly request: HotplugRequest } | { readonly ok: false; readonly error: string; readonly backendPath?: string };

// A backend path as libxl builds it; anything else could make us write outside our device's dir.
const BACKEND_PATH = /^(\/local\/domain\/\d+\/)?backend\/[a-z0-9]+\/\d+\/\d+$/;
// Far above any path libxl builds (~50 characters), far below what a xenstore message can carry
// with a key and a message after it (XENSTORE_PAYLOAD_MAX, 4096 bytes).
const BACKEND_PATH_MAX = 256;

export function parseRequest(argv: readonly string[], env: NodeJS.ProcessEnv): RequestResult {
  // Like xen-script-common.sh's findCommand: the first argument without '=' is the action.
  const action = argv.find((a) => !a.includes('='));
  const backendPath = env.XENBUS_PATH;
  const validPath =
    backendPath !== undefined && backendPath.length <= BACKEND_PATH_MAX && BACKEND_PATH.test(backendPath) ? backendPath : undefined;
  if (action !== 'add' && action !== 'remove') {
    return { ok: false, error: `invalid command '${action ?? ''}': expected add or remove`, backendPath: validPath };
  }
  if (backendPath === undefined || backendPath === '') {
    return { ok: false, error: 'XENBUS_PATH is not set: this script is run by libxl, not by hand' };
  }
  if (backendPath.length > BACKEND_PATH_MAX) {
    return {
      ok: false,
      error: `XENBUS_PATH is ${backendPath.length} characters long: a backend device path (backend/vbd/DOMID/DEVID) has at most ${BACKEND_PATH_MAX}`,
    };
  }
  if (validPath === undefined) {
    return { ok: false, error: `XENBUS_PATH '${backendPath}' is not a backend device path` };
  }
  return {
    ok: true,
    request: {
      action,
      backendPath,
      basePath: env.XENBUS_BASE_PATH || 'backend',
      deviceType: env.XENBUS_TYPE || 'vbd',
    },
  };
}
