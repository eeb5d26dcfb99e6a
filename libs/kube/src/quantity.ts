// Kubernetes resource quantities as numbers: one parser for the chart's tests (rendered
// requests and limits) and the live cluster's (metrics-server's usage).

/** CPU in millicores ("100m", "0.5", "1"). */
export function cpuMillis(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(q));
  if (!m) throw new Error(`not a CPU quantity: ${q}`);
  return Number(m[1]) * (m[2] ? 1 : 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};
/** Memory in bytes ("160Mi", "52340Ki", "1Gi", "500M", "1048576"). */
export function memoryBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(q));
  const unit = m ? MEMORY_UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new Error(`not a memory quantity: ${q}`);
  return Number(m[1]) * unit;
}
