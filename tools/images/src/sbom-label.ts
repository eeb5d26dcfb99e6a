// The SBOM step of docker-build: makes sure the image tagged `ref` carries the digest label of
// the SBOM read from it, and that the SBOM file next to the report is that SBOM.
//
//   - label present and the file's sha256 equal to it: nothing to do (an unchanged image);
//   - otherwise the SBOM is read from the image again (image-reader.ts) and written; being
//     deterministic, it has the label's digest when the image is the one labelled before;
//   - label missing (a fresh build) or different: a one-line build (`FROM ref` plus
//     `--label org.todo.sbom.digest=…`) gives the image that is tagged `ref`, and the
//     unlabelled one, untagged now, is removed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Docker } from '@todo/kube';
import { readImageFiles } from './image-reader';
import { SBOM_DIGEST_LABEL, cycloneDxDocument, sbomDigest, serialiseSbom } from './sbom';

export interface SbomRequest {
  root: string;
  /** `<image>:<tag>`, the image to describe and label */
  ref: string;
  image: string;
  tag: string;
  /** the SBOM file, relative to root */
  file: string;
}

export interface SbomOutcome {
  digest: string;
  /** whether the image got a new label (and so a new id) */
  relabelled: boolean;
  /** whether the SBOM was read from the image (false: the file on disk already matched) */
  regenerated: boolean;
}

interface ImageInfo {
  Id: string;
  RepoTags: string[] | null;
  Config: { Labels: Record<string, string> | null };
}

async function imageInfo(docker: Docker, ref: string): Promise<ImageInfo> {
  const { stdout } = await docker.run(['image', 'inspect', '--format', '{{json .}}', ref]);
  return JSON.parse(stdout) as ImageInfo;
}

/** The SHA-256 of a file as the label writes it, or null when it does not exist. */
function fileDigest(file: string): string | null {
  return existsSync(file) ? sbomDigest(readFileSync(file)) : null;
}

/** Builds `FROM ref` with the digest label, tagged `ref`; removes the previous image when no
 * tag names it any more. */
async function relabel(docker: Docker, ref: string, digest: string, previous: string): Promise<void> {
  const context = mkdtempSync(path.join(tmpdir(), 'image-label-'));
  try {
    writeFileSync(path.join(context, 'Dockerfile'), `FROM ${ref}\n`);
    await docker.run(['build', '--quiet', '--label', `${SBOM_DIGEST_LABEL}=${digest}`, '--tag', ref, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const before = await docker.attempt(['image', 'inspect', '--format', '{{json .RepoTags}}', previous]);
  if (before.ok && (JSON.parse(before.stdout) as string[] | null)?.length === 0) {
    await docker.attempt(['image', 'rm', previous]); // best effort: a container may still use it
  }
}

export async function ensureSbom(docker: Docker, request: SbomRequest): Promise<SbomOutcome> {
  const file = path.join(request.root, request.file);
  const info = await imageInfo(docker, request.ref);
  const label = info.Config.Labels?.[SBOM_DIGEST_LABEL];
  if (label && fileDigest(file) === label) {
    console.log(`docker-build: ${request.file} is the SBOM the image is labelled with (${label.slice(0, 19)}…)`);
    return { digest: label, relabelled: false, regenerated: false };
  }

  const started = performance.now();
  const { contents } = await readImageFiles(docker, request.ref);
  const text = serialiseSbom(cycloneDxDocument({ image: request.image, tag: request.tag }, contents.packages, contents.os));
  const digest = sbomDigest(text);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  const count = (ecosystem: string) => new Set(contents.packages.filter((p) => p.ecosystem === ecosystem).map((p) => `${p.name}@${p.version}`)).size;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`docker-build: SBOM of ${request.ref} → ${request.file}: ${count('pypi')} PyPI, ${count('npm')} npm, ${count('deb')} Debian packages (${seconds} s)`);
  if (contents.skipped.length) console.log(`docker-build: package manifests without a name and version, left out: ${contents.skipped.join(', ')}`);
  if (count('deb') === 0) console.warn(`docker-build: WARNING ${request.ref} has no Debian package manifest (usr/share/todo/debian-packages.tsv from runtime-rootfs.sh)`);

  if (label === digest) return { digest, relabelled: false, regenerated: true };
  if (label) console.warn(`docker-build: WARNING ${request.ref} was labelled ${label}, its SBOM now reads ${digest}; labelling it again`);
  await relabel(docker, request.ref, digest, info.Id);
  console.log(`docker-build: ${request.ref} labelled ${SBOM_DIGEST_LABEL}=${digest}`);
  return { digest, relabelled: true, regenerated: true };
}
