// Every check, in the order their findings read best: the release, then why pods cannot run,
// then the things around them.
import { checkBackups } from './backups';
import { checkHpas } from './hpa';
import { checkIngresses } from './ingress';
import { checkJobs } from './jobs';
import { checkNetworkPolicies } from './network-policy';
import { checkPods } from './pods';
import { checkRelease } from './release';
import { checkSecrets } from './secrets';
import { checkServices } from './services';
import { checkWorkloads } from './workloads';
import type { CheckContext, Finding } from '../findings';

export const CHECKS: readonly ((ctx: CheckContext) => Finding[])[] = [
  checkRelease,
  checkWorkloads,
  checkSecrets,
  checkPods,
  checkJobs,
  checkBackups,
  checkServices,
  checkHpas,
  checkIngresses,
  checkNetworkPolicies,
];
