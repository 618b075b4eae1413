import type { ConfigPlugin } from 'expo/config-plugins';

declare const withCertificatePinning: ConfigPlugin<{ host: string }> & {
  networkSecurityConfig(host: string, pins: string[]): string;
};
export = withCertificatePinning;
