import type { InspectedItem } from '../../domain/inspection/comparison';
import { CHECKLIST_TEMPLATES, reportProblems, workOrdersFor, type Finding, type InspectionReport } from '../../domain/inspection/report';

/** Every item of a template in good condition. */
const allGood = (kind: keyof typeof CHECKLIST_TEMPLATES): InspectedItem[] =>
  CHECKLIST_TEMPLATES[kind].areas.flatMap(({ area, items }) => items.map((item) => ({ area, item, condition: 'good' as const, notes: '' })));

const finding = (item: string, severity: Finding['severity'], needsWork = true, extra: Partial<Finding> = {}): Finding => ({
  area: 'Kitchen',
  item,
  description: `${item}: see photo`,
  severity,
  responsibility: 'owner',
  needsWork,
  ...extra,
});

describe('a complete report', () => {
  test('every item of the kind\'s checklist has a condition; a periodic inspection also checks the building\'s systems', () => {
    expect(reportProblems(CHECKLIST_TEMPLATES.move_out, { items: allGood('move_out'), findings: [] })).toEqual([]);
    expect(CHECKLIST_TEMPLATES.periodic.areas.map((a) => a.area)).toEqual(expect.arrayContaining(['Kitchen', 'Systems', 'Structure']));
    const missing = allGood('move_in').filter((i) => !(i.area === 'Kitchen' && i.item === 'Oven'));
    expect(reportProblems(CHECKLIST_TEMPLATES.move_in, { items: missing, findings: [] })).toEqual(['Kitchen: Oven has no condition']);
  });

  test('a poor or damaged item says what is wrong; a finding has a description and a sane estimate', () => {
    const items = allGood('move_in').map((i) => (i.item === 'Countertop' ? { ...i, condition: 'damaged' as const } : i));
    const report: InspectionReport = { items, findings: [finding('Sink and faucet', 'routine', true, { description: ' ', estimatedCostMinor: -1 })] };
    expect(reportProblems(CHECKLIST_TEMPLATES.move_in, report)).toEqual([
      'Kitchen: Countertop is damaged: say what is wrong in its notes',
      'Kitchen: Sink and faucet: a finding needs a description',
      'Kitchen: Sink and faucet: the estimate must be whole minor units, not negative',
    ]);
  });
});

test('each finding that needs work starts a work order, most severe first; cosmetic work is routine', () => {
  const report: InspectionReport = {
    items: allGood('periodic'),
    findings: [finding('Cabinets', 'cosmetic'), finding('Sink and faucet', 'urgent'), finding('Floor', 'cosmetic', false), finding('Oven', 'emergency', true, { description: 'gas smell' })],
  };
  expect(workOrdersFor(report).map((w) => [w.finding.item, w.priority])).toEqual([
    ['Oven', 'emergency'],
    ['Sink and faucet', 'urgent'],
    ['Cabinets', 'routine'],
  ]);
});
