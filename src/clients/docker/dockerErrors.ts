import { english, Localizer } from '../../core/l10n';
import { DockerEndpoint, describeEndpoint } from './dockerEndpoint';

/**
 * Turns the errors of sockets, HTTP and dockerode into one sentence a user
 * can act on. Each cause gets its own message; unknown ones keep their text.
 */
export function describeDockerError(error: unknown, endpoint: DockerEndpoint, l10n: Localizer = english): string {
  const where = describeEndpoint(endpoint);
  const e = error as { code?: string; name?: string; statusCode?: number; message?: string; reason?: string };
  switch (e?.code) {
    case 'ENOENT':
      return l10n.t('No Docker engine at {0}: the socket does not exist. Is dockerd running?', where);
    case 'ECONNREFUSED':
      return l10n.t('The Docker engine at {0} refused the connection. Is dockerd running?', where);
    case 'EACCES':
      return l10n.t('Permission denied on {0}. Add your user to the "docker" group, then log in again.', where);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return l10n.t('Cannot resolve the Docker host of {0}.', where);
    case 'ETIMEDOUT':
      return l10n.t('The Docker engine at {0} did not answer in time.', where);
    case 'ECONNRESET':
    case 'EPIPE':
      return l10n.t('The connection to the Docker engine at {0} was lost.', where);
  }
  if (e?.name === 'TimeoutError') {
    return l10n.t('The Docker engine at {0} did not answer in time.', where);
  }
  if (typeof e?.statusCode === 'number') {
    const reason = e.reason ?? e.message ?? '';
    return l10n.t('The Docker engine at {0} answered {1}: {2}', where, e.statusCode, reason);
  }
  const text = e?.message ?? String(error);
  return l10n.t('Docker engine at {0}: {1}', where, text);
}
