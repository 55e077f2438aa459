import type { Localizer } from '../l10n';
import { describeMachine, Machine, MachineSource } from '../machines/machine';
import { vagrantContextValue } from '../vagrant/vagrantMachines';
import type { PlainIcon, PlainTreeItem } from './plainTreeItem';

const STATE_ICONS: Record<Machine['state']['kind'], PlainIcon> = {
  running: { id: 'vm-running', color: 'charts.green' },
  connecting: { id: 'loading~spin' },
  stopped: { id: 'vm-outline', color: 'disabledForeground' },
  unreachable: { id: 'warning', color: 'charts.red' },
};

function sourceLabel(source: MachineSource, l10n: Localizer): string {
  switch (source) {
    case 'local-lab':
      return l10n.t('Local lab node');
    case 'ssh':
      return l10n.t('SSH host (swarmLab.hosts)');
    case 'vagrant':
      return l10n.t('Vagrant machine');
  }
}

/**
 * A machine of the Machines view: its state, address, engine version and
 * swarm role; `virtualIp` is the setting's value, named in the tooltip of
 * the machine that holds it.
 */
export function machineItem(m: Machine, virtualIp: string, l10n: Localizer): PlainTreeItem {
  const vip = m.state.kind === 'running' && m.state.holdsVirtualIp;
  const described = describeMachine(m);
  const where = m.host ? ` · ${m.user}@${m.host}:${m.port}` : '';
  const paragraphs = [`${sourceLabel(m.source, l10n)}${where}`];
  if (m.vagrant) {
    paragraphs.push(`${m.vagrant.dir} · ${m.vagrant.provider} · ${m.vagrant.label}`);
  }
  paragraphs.push(m.state.kind === 'unreachable' ? m.state.reason : described);
  if (vip) {
    paragraphs.push(l10n.t('Holds the virtual IP {0}', virtualIp));
  }
  return {
    id: m.id,
    label: m.name,
    collapsible: 'none',
    description: vip ? `${described} · ${l10n.t('virtual IP')}` : described,
    icon: vip ? { id: 'broadcast', color: 'charts.green' } : STATE_ICONS[m.state.kind],
    tooltip: { title: m.name, paragraphs },
    contextValue: m.source === 'vagrant' ? vagrantContextValue(m) : `machine.${m.source}.${m.state.kind}`,
  };
}
