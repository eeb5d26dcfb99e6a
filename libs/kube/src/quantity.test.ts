import { cpuMillis, memoryBytes } from './quantity';

describe('quantities', () => {
  test.each([
    ['384Mi', 384 * 2 ** 20],
    ['52340Ki', 52340 * 1024],
    ['1Gi', 2 ** 30],
    ['1048576', 2 ** 20],
    ['1G', 1e9],
  ])('memory %s is %d bytes', (quantity, bytes) => expect(memoryBytes(quantity)).toBe(bytes));

  test.each([
    ['500m', 500],
    ['2', 2000],
    ['0.25', 250],
  ])('CPU %s is %d millicores', (quantity, millis) => expect(cpuMillis(quantity)).toBe(millis));

  test('a malformed quantity is refused, naming it', () => {
    expect(() => memoryBytes('12 MB')).toThrow('not a memory quantity: 12 MB');
    expect(() => cpuMillis('1 core')).toThrow('not a CPU quantity: 1 core');
    expect(() => cpuMillis('')).toThrow('not a CPU quantity');
    expect(() => cpuMillis('m')).toThrow('not a CPU quantity: m');
    expect(() => memoryBytes('1.2.3Mi')).toThrow('not a memory quantity: 1.2.3Mi');
  });
});
