import type { CloudEvent } from '#contracts';
import { ConfigEntryResolve, ConfigSyncRevision, ConfigSyncSnapshot, type ConfigEvent, type EntryResolveRequest } from '#contracts';
import { decodeJson, type NatsClient, type RpcClient } from '#messaging';
import { CONFIG_ENTRY_RESOLVE, CONFIG_SYNC_REVISION, CONFIG_SYNC_SNAPSHOT, type ConfigClientTransport } from './config-client.js';

/**
 * ConfigClientTransport on the app's own NATS connection (#messaging): requests go through
 * RpcClient (trace context, typed errors), events are read from a plain subscription so
 * every replica of every app sees every change (no queue group).
 */
export function natsConfigTransport(nats: NatsClient, rpc: RpcClient): ConfigClientTransport {
  return {
    request<T>(subject: string, payload: object): Promise<T> {
      if (subject === CONFIG_SYNC_SNAPSHOT) return rpc.request(ConfigSyncSnapshot, payload) as Promise<T>;
      if (subject === CONFIG_SYNC_REVISION) return rpc.request(ConfigSyncRevision, payload) as Promise<T>;
      if (subject === CONFIG_ENTRY_RESOLVE) return rpc.request(ConfigEntryResolve, payload as EntryResolveRequest) as Promise<T>;
      return Promise.reject(new Error(`config client does not call ${subject}`));
    },
    subscribeEvents(wildcard, handler) {
      const sub = nats.connection.subscribe(nats.subject(wildcard), {
        callback: (err, msg) => {
          if (err) return;
          let event: CloudEvent<ConfigEvent['data']> | undefined;
          try {
            event = decodeJson(msg.data) as CloudEvent<ConfigEvent['data']> | undefined;
          } catch {
            return;
          }
          if (!event || event.specversion !== '1.0' || typeof event.data?.revision !== 'number') return;
          handler({ subject: nats.unprefixed(msg.subject), data: event.data } as ConfigEvent);
        },
      });
      return () => sub.unsubscribe();
    },
    onReconnect(handler) {
      let active = true;
      void (async () => {
        for await (const status of nats.connection.status()) {
          if (!active) break;
          if (status.type === 'reconnect') handler();
        }
      })();
      return () => {
        active = false;
      };
    },
  };
}
