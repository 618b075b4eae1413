/** Static export: the API host serves out/ at / on the same origin as /api/v1, so no server runtime and no CORS. */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
