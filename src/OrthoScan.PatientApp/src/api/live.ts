import { HubConnectionBuilder, HttpTransportType, LogLevel } from '@microsoft/signalr';
import { useEffect, useRef } from 'react';
import { Platform } from 'react-native';
import { apiBaseUrl } from '../config';
import type { ApiClient } from './client';

const hubPath = '/api/v1/hubs/messages';

/**
 * Calls `onChange` when the patient's conversation changes (a message from the practice, the review's feedback, a
 * message read) and after the connection came back. The event carries ids only: the app fetches what changed through
 * the audited routes. Live updates only speed things up; the screens still refresh on their own if it never connects.
 */
export function useLiveThread(client: ApiClient, onChange: () => void): void {
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    const url = Platform.OS === 'web' ? new URL(hubPath, window.location.href).toString() : apiBaseUrl + hubPath;
    const connection = new HubConnectionBuilder()
      .withUrl(url, { accessTokenFactory: client.freshToken, transport: HttpTransportType.WebSockets, skipNegotiation: true })
      .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
      .configureLogging(LogLevel.None)
      .build();
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    connection.on('threadChanged', () => handler.current());
    connection.onreconnected(() => handler.current());
    const start = async () => {
      try {
        await connection.start();
        failures = 0;
      } catch {
        restartLater();
      }
    };
    // After the automatic reconnection gave up (or the first start failed): start over, more slowly.
    const restartLater = () => {
      if (stopped) return;
      failures += 1;
      retry = setTimeout(() => void start(), Math.min(30_000, 1000 * 2 ** failures));
    };
    connection.onclose(restartLater);
    void start();
    return () => {
      stopped = true;
      clearTimeout(retry);
      void connection.stop();
    };
  }, [client]);
}
