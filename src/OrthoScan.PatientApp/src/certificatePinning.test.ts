// The config plugin that pins the production API host at `expo prebuild` (plugins/withCertificatePinning.js).
import withCertificatePinning = require('../plugins/withCertificatePinning');

const { networkSecurityConfig } = withCertificatePinning;

type InfoPlistMod = (config: unknown) => Promise<{ modResults: Record<string, unknown> }>;

/** Runs the plugin's iOS Info.plist step as prebuild would, on an empty plist. */
function iosInfoPlist() {
  const config = withCertificatePinning({ name: 'OrthoScan', slug: 'orthoscan' }, { host: 'api.orthoscan.app' }) as { mods?: { ios?: { infoPlist?: InfoPlistMod } } };
  return config.mods!.ios!.infoPlist!({ ...config, modResults: {}, modRequest: { platform: 'ios', projectRoot: '/tmp', platformProjectRoot: '/tmp/ios' } });
}

const current = 'r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=';
const backup = 'YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg=';

describe('certificate pinning at prebuild', () => {
  const saved = process.env.ORTHOSCAN_API_PINS;
  afterEach(() => {
    if (saved === undefined) delete process.env.ORTHOSCAN_API_PINS;
    else process.env.ORTHOSCAN_API_PINS = saved;
  });

  it('writes a pin-set for the API host only, no cleartext, expiring a year out', () => {
    const xml = networkSecurityConfig('api.orthoscan.app', [current, backup]);
    expect(xml).toContain('<domain includeSubdomains="false">api.orthoscan.app</domain>');
    expect(xml).toContain(`<pin digest="SHA-256">${current}</pin>`);
    expect(xml).toContain(`<pin digest="SHA-256">${backup}</pin>`);
    expect(xml).toContain('<base-config cleartextTrafficPermitted="false" />');
    const expiration = xml.match(/expiration="(\d{4}-\d{2}-\d{2})"/)![1];
    const days = (Date.parse(expiration) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(360);
    expect(days).toBeLessThan(367);
  });

  it('refuses a native build without a backup pin or with something that is not a SHA-256 hash', async () => {
    process.env.ORTHOSCAN_API_PINS = current;
    await expect(iosInfoPlist()).rejects.toThrow(/a backup key/);
    process.env.ORTHOSCAN_API_PINS = `${current},not-a-hash`;
    await expect(iosInfoPlist()).rejects.toThrow(/not a base64 SHA-256 hash/);
  });

  it('pins the leaf key on iOS through App Transport Security', async () => {
    process.env.ORTHOSCAN_API_PINS = `${current}, ${backup}`;
    const result = await iosInfoPlist();
    expect(result.modResults.NSAppTransportSecurity).toEqual({
      NSAllowsArbitraryLoads: false,
      NSPinnedDomains: {
        'api.orthoscan.app': { NSIncludesSubdomains: false, NSPinnedLeafIdentities: [{ 'SPKI-SHA256-BASE64': current }, { 'SPKI-SHA256-BASE64': backup }] },
      },
    });
  });
});
