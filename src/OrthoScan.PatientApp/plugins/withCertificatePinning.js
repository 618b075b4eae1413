// Certificate pinning for the production API host, applied at `expo prebuild` (native builds only; a browser
// cannot pin, so the web build relies on TLS alone). See README.md "Transport security".
//
//   ["./plugins/withCertificatePinning", { "host": "api.orthoscan.app" }]
//
// The pins are SHA-256 hashes of the certificate's public key (SPKI), base64: the current key and at least one backup
// key, so that a rotation does not lock every installed app out. They come from the environment at build time
// (ORTHOSCAN_API_PINS="base64hash1,base64hash2"), never from the repository; a native build without two pins fails.
const fs = require('fs');
const path = require('path');
const { withAndroidManifest, withDangerousMod, withInfoPlist } = require('expo/config-plugins');

function pinsFromEnvironment() {
  const pins = (process.env.ORTHOSCAN_API_PINS || '').split(',').map((p) => p.trim()).filter(Boolean);
  if (pins.length < 2) {
    throw new Error('withCertificatePinning: set ORTHOSCAN_API_PINS to the API key\'s SPKI SHA-256 (base64) and a backup key\'s, comma-separated.');
  }
  for (const pin of pins) {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(pin)) throw new Error(`withCertificatePinning: "${pin}" is not a base64 SHA-256 hash.`);
  }
  return pins;
}

function networkSecurityConfig(host, pins) {
  // Pins expire a year out: an app nobody updates falls back to ordinary TLS validation instead of breaking.
  const expiration = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  return `<?xml version="1.0" encoding="utf-8"?>
<network-security-config>
  <base-config cleartextTrafficPermitted="false" />
  <domain-config cleartextTrafficPermitted="false">
    <domain includeSubdomains="false">${host}</domain>
    <pin-set expiration="${expiration}">
${pins.map((pin) => `      <pin digest="SHA-256">${pin}</pin>`).join('\n')}
    </pin-set>
  </domain-config>
</network-security-config>
`;
}

const withAndroidPinning = (config, host) => {
  config = withDangerousMod(config, [
    'android',
    (mod) => {
      const dir = path.join(mod.modRequest.platformProjectRoot, 'app/src/main/res/xml');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'network_security_config.xml'), networkSecurityConfig(host, pinsFromEnvironment()));
      return mod;
    },
  ]);
  return withAndroidManifest(config, (mod) => {
    const application = mod.modResults.manifest.application[0];
    application.$['android:networkSecurityConfig'] = '@xml/network_security_config';
    application.$['android:usesCleartextTraffic'] = 'false';
    return mod;
  });
};

const withIosPinning = (config, host) =>
  withInfoPlist(config, (mod) => {
    const pins = pinsFromEnvironment();
    mod.modResults.NSAppTransportSecurity = {
      NSAllowsArbitraryLoads: false,
      NSPinnedDomains: {
        [host]: { NSIncludesSubdomains: false, NSPinnedLeafIdentities: pins.map((pin) => ({ 'SPKI-SHA256-BASE64': pin })) },
      },
    };
    return mod;
  });

module.exports = function withCertificatePinning(config, props) {
  const host = props && props.host;
  if (!host) throw new Error('withCertificatePinning: give the API host, e.g. { "host": "api.orthoscan.app" }.');
  return withIosPinning(withAndroidPinning(config, host), host);
};
module.exports.networkSecurityConfig = networkSecurityConfig;
