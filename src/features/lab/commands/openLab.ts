import type { LabPanels } from '../panel/labPanels';
import { Command } from '../../../editor/command';

export function openLabCommand(panels: LabPanels): Command {
  return { id: 'swarmLab.lab.open', execute: () => void panels.open() };
}
