// @todo/chart: what other projects use of the Helm chart: where it is, and how it runs each
// container (for running the images outside Kubernetes as the chart would).
export { chartDir } from './workspace';
export { containerSpec, containersOf, type ChartContainers, type ContainerSpec, type SpecInput } from './container-spec';
