// The report docker-build writes for each image (dist/images/<image>.json): the one shape the
// executor writes and deploy steps read, so neither side guesses at the other's fields.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every app image is named after its Nx project with this prefix: api → todo-api. */
export const IMAGE_PREFIX = 'todo-';

/** Where the reports live, relative to the workspace root. */
export const REPORT_DIR = 'dist/images';

export interface ImageReport {
  /** repository, e.g. todo-api */
  image: string;
  /** the content tag, `nx-<task hash>` */
  tag: string;
  /** `<image>:<tag>` */
  ref: string;
  /** the friendly tag moved to the newest build, e.g. todo-api:dev */
  movingTag: string;
  /** the engine's image id (sha256:…) */
  id: string;
  /** bytes, as the engine reports them */
  size: number;
  /** false when the engine already had the tag and nothing was built */
  built: boolean;
  /** wall-clock seconds of the build, 0 when reused */
  buildSeconds: number;
  /** the CycloneDX 1.5 SBOM read from the image, relative to the workspace, e.g. dist/images/todo-api.cdx.json */
  sbom: string;
  /** `sha256:<hex>` of the SBOM file, also the image's `org.todo.sbom.digest` label */
  sbomDigest: string;
}

/** The image name for a project (`web` → `todo-web`); an image name is returned as is. */
export function imageName(projectOrImage: string): string {
  return projectOrImage.startsWith(IMAGE_PREFIX) ? projectOrImage : `${IMAGE_PREFIX}${projectOrImage}`;
}

/** The report's path relative to the workspace root, e.g. dist/images/todo-api.json. */
export function imageReportPath(projectOrImage: string): string {
  return `${REPORT_DIR}/${imageName(projectOrImage)}.json`;
}

/** The SBOM's path relative to the workspace root, e.g. dist/images/todo-api.cdx.json. */
export function imageSbomPath(projectOrImage: string): string {
  return `${REPORT_DIR}/${imageName(projectOrImage)}.cdx.json`;
}

const FIELDS: Record<keyof ImageReport, 'string' | 'number' | 'boolean'> = {
  image: 'string',
  tag: 'string',
  ref: 'string',
  movingTag: 'string',
  id: 'string',
  size: 'number',
  built: 'boolean',
  buildSeconds: 'number',
  sbom: 'string',
  sbomDigest: 'string',
};

/** Checks a parsed report field by field, so a stale or hand-edited file fails here with
 * its name rather than later as an `undefined` image tag. */
export function parseImageReport(text: string, source: string): ImageReport {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error(`${source}: not a JSON object`);
  const record = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(FIELDS)) {
    if (typeof record[field] !== type) throw new Error(`${source}: "${field}" should be a ${type}, found ${JSON.stringify(record[field])}`);
  }
  return record as unknown as ImageReport;
}

/** Reads dist/images/<image>.json for a project (`api`) or an image (`todo-api`). A missing
 * report names the command that writes it. */
export function readImageReport(root: string, projectOrImage: string): ImageReport {
  const relative = imageReportPath(projectOrImage);
  let text: string;
  try {
    text = readFileSync(path.join(root, relative), 'utf8');
  } catch {
    const project = imageName(projectOrImage).slice(IMAGE_PREFIX.length);
    throw new Error(`${relative} is missing: run \`npm run nx -- run ${project}:docker-build\``);
  }
  return parseImageReport(text, relative);
}

/** Writes the report (by default where readImageReport finds it); returns its path
 * relative to root. */
export function writeImageReport(root: string, report: ImageReport, relative = imageReportPath(report.image)): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return relative;
}
