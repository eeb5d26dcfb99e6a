import { readCheckovReport, toolMessage } from './tool-reports';

const report = JSON.stringify({
  check_type: 'kubernetes',
  summary: { passed: 8318, failed: 1, skipped: 96 },
  results: { failed_checks: [{ check_id: 'CKV_K8S_8', check_name: 'Liveness Probe Should be Configured', resource: 'Deployment.todo.web', file_path: '/x/ci/default.yaml' }] },
});
// What `uv tool run` printed on a new machine's cold cache: the run that broke CI.
const coldCacheNotes = ['Downloading networkx (1.8MiB)', 'Downloading numpy (16.1MiB)', 'Installed 142 packages in 3.1s'].join('\n');

describe('tool reports come from stdout alone', () => {
  it('reads checkov\'s report whatever stderr says', () => {
    const outcome = readCheckovReport({ status: 1, stdout: report, stderr: coldCacheNotes });
    expect(outcome).toEqual({
      passed: 8318,
      skipped: 96,
      failures: ['CKV_K8S_8 Liveness Probe Should be Configured — Deployment.todo.web (default.yaml)'],
    });
  });

  it('reads the list checkov writes when it ran more than one framework', () => {
    const outcome = readCheckovReport({ status: 0, stdout: `[${report}]`, stderr: '' });
    expect(outcome.passed).toBe(8318);
  });

  it('names the exit code and quotes the tool when stdout holds no report', () => {
    expect(() => readCheckovReport({ status: 2, stdout: '', stderr: 'Error: config file not found' })).toThrow(
      /no JSON report on stdout \(exit 2\):\nError: config file not found/,
    );
  });

  it('puts diagnostics before the end of the report in a failure message', () => {
    expect(toolMessage({ status: 1, stdout: 'file.yaml: unknown field "foo"', stderr: 'warning: x' })).toBe('warning: x\nfile.yaml: unknown field "foo"');
  });
});
