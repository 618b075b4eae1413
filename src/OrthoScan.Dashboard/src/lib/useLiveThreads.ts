'use client';

import { useEffect, useRef, useState } from 'react';
import { HubConnectionBuilder, HubConnectionState, HttpTransportType, LogLevel, type HubConnection } from '@microsoft/signalr';
import { refreshSession } from '@/api/client';
import { decodeClaims } from '@/auth/jwt';
import { tokenStore } from '@/auth/tokenStore';

/** The hub's `threadChanged` event: ids only, the thread itself is fetched through the audited routes. */
export interface ThreadChanged {
  threadId: string;
  patientId: string;
}

const liveThreadsPath = '/api/v1/hubs/messages';

function expiresWithin(token: string, seconds: number): boolean {
  const exp = decodeClaims(token)?.exp;
  return !exp || exp * 1000 - Date.now() < seconds * 1000;
}

/**
 * The token for the WebSocket, which a browser can only send in its URL (the API keeps it out of its logs). The hub
 * closes a connection when its token expires, so a reconnect refreshes a token that is about to.
 */
async function liveToken(): Promise<string> {
  const token = tokenStore.get();
  if (!token || !expiresWithin(token, 30)) return token ?? '';
  await refreshSession();
  return tokenStore.get() ?? '';
}

function connect(): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(new URL(liveThreadsPath, window.location.href).toString(), {
      accessTokenFactory: liveToken,
      transport: HttpTransportType.WebSockets,
      skipNegotiation: true,
    })
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .configureLogging(LogLevel.None)
    .build();
}

/**
 * Calls `onChange` for each change of a thread the signed-in user may see (their practice's, or a patient's own), and
 * with null after the connection came back, since changes may have been missed meanwhile. Live updates only speed the
 * page up: without them it still shows the stored messages when it loads, so failures just retry quietly.
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export function useLiveThreads(onChange: (change: ThreadChanged | null) => void): LiveStatus {
  const handler = useRef(onChange);
  handler.current = onChange;
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const connection = connect();
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    connection.on('threadChanged', (change: ThreadChanged) => handler.current(change));
    connection.onreconnecting(() => setStatus('reconnecting'));
    connection.onreconnected(() => {
      setStatus('live');
      handler.current(null);
    });

    const start = async () => {
      try {
        await connection.start();
        setStatus('live');
        if (failures > 0) handler.current(null);
        failures = 0;
      } catch {
        restartLater();
      }
    };
    const restartLater = () => {
      if (stopped) return;
      setStatus('reconnecting');
      failures += 1;
      retry = setTimeout(() => void start(), Math.min(30000, 1000 * 2 ** failures));
    };
    // After automatic reconnection gave up: start over, more slowly.
    connection.onclose(restartLater);
    // Signed out (or not yet restored): nothing to listen for until there is a session.
    const unsubscribe = tokenStore.get() ? undefined : tokenStore.subscribe((token) => {
      if (token && connection.state === HubConnectionState.Disconnected && !retry) void start();
    });
    if (tokenStore.get()) void start();
    return () => {
      stopped = true;
      unsubscribe?.();
      clearTimeout(retry);
      void connection.stop();
    };
  }, []);
  return status;
}
