// @todo/images: the docker-build report's type and its reader and writer, for deploy steps.
// The Nx plugin (plugin.ts) and executor (executor.ts) are loaded by Nx from nx.json and
// executors.json, not through this entry.
export { IMAGE_PREFIX, type ImageReport, REPORT_DIR, imageName, imageReportPath, imageSbomPath, parseImageReport, readImageReport, writeImageReport } from './report';
export { SBOM_DIGEST_LABEL, sbomDigest, type CycloneDxDocument } from './sbom';
