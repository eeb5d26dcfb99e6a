// Reads a built image's own files: `docker create` (nothing runs), `docker export` of the
// container's filesystem to a temporary tar, `tar -t` for the file list and `tar -x` of the
// few files the SBOM is made from (image-contents.ts). So the SBOM lists what the image
// really contains, not what the build was asked to put in. Docker and tar run through
// @todo/kube's runner, so a failure quotes the command.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Docker, runCommand } from '@todo/kube';
import { type ImageContents, readImageContents, sbomSourceFiles } from './image-contents';

export interface ImageFiles {
  /** every path in the image as `tar -t` prints it (relative; directories end in `/`) */
  files: string[];
  /** the packages found in it */
  contents: ImageContents;
}

/** Runs `fn` with the image's filesystem exported to a tar file; everything is removed after. */
export async function withImageExport<T>(docker: Docker, ref: string, fn: (tar: string, work: string) => Promise<T>): Promise<T> {
  const work = mkdtempSync(path.join(tmpdir(), 'image-sbom-'));
  let container: string | undefined;
  try {
    // An image without CMD (or with an ENTRYPOINT only) still needs some command to create.
    container = (await docker.run(['create', ref, 'sbom-read'])).stdout.trim();
    const tar = path.join(work, 'image.tar');
    await docker.run(['export', '--output', tar, container]);
    return await fn(tar, work);
  } finally {
    if (container) await docker.attempt(['rm', '--force', container]);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The file list of an exported image's tar. */
export async function tarFileList(tar: string): Promise<string[]> {
  const { stdout } = await runCommand('tar', ['--list', '--file', tar]);
  return stdout.split('\n').filter(Boolean);
}

/** The image's file list and the packages in it. */
export async function readImageFiles(docker: Docker, ref: string): Promise<ImageFiles> {
  return withImageExport(docker, ref, async (tar, work) => {
    const files = await tarFileList(tar);
    const wanted = sbomSourceFiles(files);
    const tree = path.join(work, 'tree');
    mkdirSync(tree);
    if (wanted.length) {
      const list = path.join(work, 'wanted.txt');
      writeFileSync(list, `${wanted.join('\n')}\n`);
      // Names are literal, not patterns.
      await runCommand('tar', ['--extract', '--file', tar, '--directory', tree, '--no-wildcards', '--files-from', list]);
    }
    return { files, contents: readImageContents(tree, files) };
  });
}
