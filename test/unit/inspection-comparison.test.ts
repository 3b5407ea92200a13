import { compareReports, proposedDeductions, type InspectedItem } from '../../domain/inspection/comparison';

const item = (area: string, name: string, condition: InspectedItem['condition'], extra: Partial<InspectedItem> = {}): InspectedItem => ({ area, item: name, condition, notes: '', ...extra });

const moveIn = [
  item('Kitchen', 'Countertop', 'good'),
  item('Kitchen', 'Oven', 'fair'),
  item('Living room', 'Carpet', 'good'),
  item('Living room', 'Walls', 'good'),
  item('Bathroom', 'Mirror', 'good'),
  item('Bedroom 1', 'Window blinds', 'poor'),
];

const moveOut = [
  item('Kitchen', 'Countertop', 'damaged', { responsibility: 'tenant', notes: 'burn mark 10 cm', estimatedCostMinor: 45_000 }),
  item('kitchen ', 'oven', 'fair'), // the same item, written differently: unchanged
  item('Living room', 'Carpet', 'fair', { responsibility: 'owner', notes: 'traffic wear' }), // normal wear: the owner's
  item('Living room', 'Walls', 'poor', { responsibility: 'tenant', notes: 'nail holes, crayon' }), // no estimate: the manager prices it
  item('Bedroom 1', 'Window blinds', 'good', { notes: 'replaced by the owner' }), // better
  item('Hallway', 'Smoke detector', 'good'), // not in the move-in report
];

test('a move-out compared item by item with the move-in: what changed, worst first; items in one report only are listed apart', () => {
  const { changes, onlyAtMoveIn, onlyAtMoveOut } = compareReports(moveIn, moveOut);
  expect(changes.map((c) => [c.area, c.item, c.from, c.to, c.steps])).toEqual([
    ['Kitchen', 'Countertop', 'good', 'damaged', 3],
    ['Living room', 'Walls', 'good', 'poor', 2],
    ['Living room', 'Carpet', 'good', 'fair', 1],
    ['Bedroom 1', 'Window blinds', 'poor', 'good', -2],
  ]);
  expect(onlyAtMoveIn.map((i) => i.item)).toEqual(['Mirror']);
  expect(onlyAtMoveOut.map((i) => i.item)).toEqual(['Smoke detector']);
});

test('only what got worse and is the tenant\'s becomes a proposed deduction, at the inspector\'s estimate', () => {
  expect(proposedDeductions(moveIn, moveOut)).toEqual([
    { description: 'Kitchen: Countertop, good at move-in, damaged at move-out (burn mark 10 cm)', amountMinor: 45_000, area: 'Kitchen', item: 'Countertop' },
    { description: 'Living room: Walls, good at move-in, poor at move-out (nail holes, crayon)', amountMinor: 0, area: 'Living room', item: 'Walls' },
  ]);
  expect(proposedDeductions(moveIn, moveIn)).toEqual([]);
});
