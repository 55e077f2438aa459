import type { LabPanels } from '../labPanel/labPanels';
import { Command } from './command';

export function openLabCommand(panels: LabPanels): Command {
  return { id: 'swarmLab.lab.open', execute: () => void panels.open() };
}
