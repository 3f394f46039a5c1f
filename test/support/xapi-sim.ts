// A XenAPI stand-in for tests (not shipped): XML-RPC over HTTP on a Unix socket, as xapi serves
// /var/lib/xcp/xapi (docs/smapi.md §7), with {Status, Value} results, xapi's error names and the DB
// calls the drbdlvm driver makes. For the lab it also listens on a TCP port on 127.0.0.1, which
// each dom0 reaches through qemu's guestfwd (test/lab/lib/sr-lab.ts). The DB is in memory and open for tests to set up and inspect.
// No JSON-RPC at /jsonrpc: the driver speaks XML-RPC only. test/support/sr-pool.ts drives the built
// driver against it in xapi's call orders.
import { createServer, type RequestListener, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeMethodCall } from '../../src/drbdlvm-sr/xmlrpc-decode';
import { encodeResponse } from '../../src/drbdlvm-sr/xmlrpc-encode';
import { XmlRpcDateTime, isStruct, type XmlRpcStruct, type XmlRpcValue } from '../../src/drbdlvm-sr/xmlrpc-value';

export const NULL_REF = 'OpaqueRef:NULL';

export interface SimHost {
  uuid: string;
  name_label: string;
}
export interface SimSr {
  uuid: string;
  sm_config: Record<string, string>;
  physical_size: string;
  physical_utilisation: string;
  virtual_allocation: string;
}
export interface SimVdi {
  uuid: string;
  SR: string;
  name_label: string;
  name_description: string;
  type: string;
  location: string;
  sm_config: Record<string, string>;
  virtual_size: string;
  physical_utilisation: string;
  read_only: boolean;
  managed: boolean;
}
export interface SimVbd {
  VM: string;
  VDI: string;
}
export interface SimVm {
  uuid: string;
  current_operations: Record<string, string>;
  resident_on: string;
  scheduled_to_be_resident_on: string;
  is_control_domain: boolean;
}

export interface SimDb {
  sessions: Set<string>;
  host: Record<string, SimHost>;
  SR: Record<string, SimSr>;
  VDI: Record<string, SimVdi>;
  VBD: Record<string, SimVbd>;
  VM: Record<string, SimVm>;
}

export interface SimCall {
  method: string;
  params: readonly XmlRpcValue[];
  subtaskOf?: string;
}

export function emptyDb(): SimDb {
  return { sessions: new Set(), host: {}, SR: {}, VDI: {}, VBD: {}, VM: {} };
}

/** xapi's Failure: ErrorDescription = [code, ...params]. */
class Failure extends Error {
  constructor(readonly description: string[]) {
    super(description.join(' '));
  }
}

type Table = keyof Omit<SimDb, 'sessions'>;
let counter = 0;
const newRef = (): string => `OpaqueRef:sim-${++counter}-${Math.random().toString(16).slice(2, 10)}`;

function record<T extends Table>(db: SimDb, table: T, ref: XmlRpcValue | undefined): SimDb[T][string] {
  const r = typeof ref === 'string' ? db[table][ref] : undefined;
  if (r === undefined) throw new Failure(['HANDLE_INVALID', table, String(ref)]);
  return r as SimDb[T][string];
}

function str(v: XmlRpcValue | undefined, what: string): string {
  if (typeof v !== 'string') throw new Failure(['FIELD_TYPE_ERROR', what]);
  return v;
}

function bool(v: XmlRpcValue | undefined, what: string): boolean {
  if (typeof v !== 'boolean') throw new Failure(['FIELD_TYPE_ERROR', what]);
  return v;
}

function strMap(v: XmlRpcValue | undefined, what: string): Record<string, string> {
  if (!isStruct(v)) throw new Failure(['FIELD_TYPE_ERROR', what]);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x, `${what}.${k}`)]));
}

function int64(v: XmlRpcValue | undefined, what: string): string {
  if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) throw new Failure(['FIELD_TYPE_ERROR', what]);
  return v;
}

function addToMap(map: Record<string, string>, table: string, ref: string, field: string, key: string, value: string): null {
  if (key in map) throw new Failure(['MAP_DUPLICATE_KEY', table, field, ref, key]);
  map[key] = value;
  return null;
}

type Method = (db: SimDb, p: readonly XmlRpcValue[]) => XmlRpcValue;

const METHODS: Record<string, Method> = {
  'host.get_name_label': (db, [r]) => record(db, 'host', r).name_label,
  'SR.get_VDIs': (db, [r]) => (
    record(db, 'SR', r),
    Object.entries(db.VDI)
      .filter(([, v]) => v.SR === r)
      .map(([ref]) => ref)
  ),
  'SR.get_sm_config': (db, [r]) => ({ ...record(db, 'SR', r).sm_config }),
  'SR.add_to_sm_config': (db, [r, k, v]) =>
    addToMap(record(db, 'SR', r).sm_config, 'SR', str(r, 'ref'), 'sm_config', str(k, 'key'), str(v, 'value')),
  'SR.remove_from_sm_config': (db, [r, k]) => (delete record(db, 'SR', r).sm_config[str(k, 'key')], null),
  'SR.set_physical_size': (db, [r, v]) => ((record(db, 'SR', r).physical_size = int64(v, 'value')), null),
  'SR.set_physical_utilisation': (db, [r, v]) => ((record(db, 'SR', r).physical_utilisation = int64(v, 'value')), null),
  'SR.set_virtual_allocation': (db, [r, v]) => ((record(db, 'SR', r).virtual_allocation = int64(v, 'value')), null),
  'VDI.get_uuid': (db, [r]) => record(db, 'VDI', r).uuid,
  'VDI.get_by_uuid': (db, [u]) => {
    const found = Object.entries(db.VDI).find(([, v]) => v.uuid === u);
    if (found === undefined) throw new Failure(['UUID_INVALID', 'VDI', String(u)]);
    return found[0];
  },
  'VDI.get_sm_config': (db, [r]) => ({ ...record(db, 'VDI', r).sm_config }),
  'VDI.add_to_sm_config': (db, [r, k, v]) =>
    addToMap(record(db, 'VDI', r).sm_config, 'VDI', str(r, 'ref'), 'sm_config', str(k, 'key'), str(v, 'value')),
  'VDI.remove_from_sm_config': (db, [r, k]) => (delete record(db, 'VDI', r).sm_config[str(k, 'key')], null),
  'VDI.get_VBDs': (db, [r]) => (
    record(db, 'VDI', r),
    Object.entries(db.VBD)
      .filter(([, b]) => b.VDI === r)
      .map(([ref]) => ref)
  ),
  'VDI.set_virtual_size': (db, [r, v]) => ((record(db, 'VDI', r).virtual_size = int64(v, 'value')), null),
  'VDI.set_physical_utilisation': (db, [r, v]) => ((record(db, 'VDI', r).physical_utilisation = int64(v, 'value')), null),
  'VDI.db_forget': (db, [r]) => (record(db, 'VDI', r), delete db.VDI[r as string], null),
  // The 19 positional parameters of datamodel.ml's introduce_params, type-checked as xapi's
  // unmarshaller would.
  'VDI.db_introduce': (db, p) => {
    if (p.length !== 19) throw new Failure(['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VDI.db_introduce', '20', String(p.length + 1)]);
    const [
      uuid,
      nameLabel,
      nameDescription,
      sr,
      type,
      sharable,
      readOnly,
      otherConfig,
      location,
      xenstoreData,
      smConfig,
      managed,
      virtualSize,
      physUtil,
      metadataOfPool,
      isSnapshot,
      snapshotTime,
      snapshotOf,
      cbt,
    ] = p;
    record(db, 'SR', sr);
    bool(sharable, 'sharable');
    strMap(otherConfig, 'other_config');
    strMap(xenstoreData, 'xenstore_data');
    str(metadataOfPool, 'metadata_of_pool');
    bool(isSnapshot, 'is_a_snapshot');
    if (!(snapshotTime instanceof XmlRpcDateTime)) throw new Failure(['FIELD_TYPE_ERROR', 'snapshot_time']);
    str(snapshotOf, 'snapshot_of');
    bool(cbt, 'cbt_enabled');
    const u = str(uuid, 'uuid');
    if (Object.values(db.VDI).some((v) => v.uuid === u)) throw new Failure(['UUID_ALREADY_EXISTS', 'VDI', u]);
    const ref = newRef();
    db.VDI[ref] = {
      uuid: u,
      SR: sr as string,
      name_label: str(nameLabel, 'name_label'),
      name_description: str(nameDescription, 'name_description'),
      type: str(type, 'type'),
      location: str(location, 'location'),
      sm_config: strMap(smConfig, 'sm_config'),
      virtual_size: int64(virtualSize, 'virtual_size'),
      physical_utilisation: int64(physUtil, 'physical_utilisation'),
      read_only: bool(readOnly, 'read_only'),
      managed: bool(managed, 'managed'),
    };
    return ref;
  },
  'VBD.get_VM': (db, [r]) => record(db, 'VBD', r).VM,
  'VM.get_uuid': (db, [r]) => record(db, 'VM', r).uuid,
  'VM.get_current_operations': (db, [r]) => ({ ...record(db, 'VM', r).current_operations }),
  'VM.get_resident_on': (db, [r]) => record(db, 'VM', r).resident_on,
  'VM.get_scheduled_to_be_resident_on': (db, [r]) => record(db, 'VM', r).scheduled_to_be_resident_on,
  'VM.get_is_control_domain': (db, [r]) => record(db, 'VM', r).is_control_domain,
};

export interface XapiSim {
  readonly socketPath: string;
  /** Also listening on 127.0.0.1:<port> (started with {tcp: true}): how the lab's dom0s reach it. */
  readonly tcpPort: number | undefined;
  readonly db: SimDb;
  readonly calls: SimCall[];
  /** A session the driver may use, as xapi's __sm__backend session. */
  session(): string;
  /**
   * Holds every later call of `method` before it runs, until released: `reached` resolves when the
   * first one arrives (a test can then kill the caller mid-sequence).
   */
  hold(method: string): { reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

/** `tcpPort`: also listen on 127.0.0.1:tcpPort (0: a free port the kernel picks). */
export async function startXapiSim(db: SimDb = emptyDb(), o: { tcpPort?: number } = {}): Promise<XapiSim> {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'xapi-sim-')), 'xapi');
  const calls: SimCall[] = [];
  const holds = new Map<string, { arrived: () => void; gate: Promise<void> }>();
  const handler: RequestListener = (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/') {
          res.writeHead(404).end();
          return;
        }
        let result: XmlRpcStruct;
        try {
          const call = await decodeMethodCall(body);
          const [session, ...params] = call.params;
          const subtask = req.headers['subtask-of'];
          calls.push({ method: call.methodName, params, ...(typeof subtask === 'string' ? { subtaskOf: subtask } : {}) });
          if (typeof session !== 'string' || !db.sessions.has(session)) throw new Failure(['SESSION_INVALID', String(session)]);
          const held = holds.get(call.methodName);
          if (held !== undefined) {
            held.arrived();
            await held.gate;
          }
          const method = METHODS[call.methodName];
          if (method === undefined) throw new Failure(['MESSAGE_METHOD_UNKNOWN', call.methodName]);
          result = { Status: 'Success', Value: method(db, params) };
        } catch (e) {
          result = { Status: 'Failure', ErrorDescription: e instanceof Failure ? e.description : ['INTERNAL_ERROR', String(e)] };
        }
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(encodeResponse(result));
      })();
    });
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const tcp = o.tcpPort === undefined ? undefined : createServer(handler);
  if (tcp !== undefined) await new Promise<void>((resolve) => tcp.listen(o.tcpPort, '127.0.0.1', resolve));
  const tcpAddress = tcp?.address();
  return {
    socketPath,
    tcpPort: typeof tcpAddress === 'object' && tcpAddress !== null ? tcpAddress.port : undefined,
    db,
    calls,
    session: () => {
      const s = newRef();
      db.sessions.add(s);
      return s;
    },
    hold: (method) => {
      let arrived = (): void => undefined;
      let open = (): void => undefined;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const gate = new Promise<void>((resolve) => (open = resolve));
      holds.set(method, { arrived, gate });
      return { reached, release: () => (holds.delete(method), open()) };
    },
    close: () =>
      Promise.all(
        [server, tcp].map((srv) =>
          srv === undefined
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                srv.closeAllConnections();
                srv.close(() => resolve());
              }),
        ),
      ).then(() => rmSync(dirname(socketPath), { recursive: true, force: true })),
  };
}
