import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import WorldList from '../../src/ui/worlds/WorldList.svelte';
import { listWorlds } from '../../src/app/worlds.ts';

// Creating a world first loads the seeders' code (a chunk of its own since issue #18); in a test
// run that import is transformed on the spot, so the first answer may take longer than 1 s.
const firstLoad = { timeout: 20_000 };

describe('WorldList', () => {
  it('creates, renames and (after confirmation) deletes a world', async () => {
    render(WorldList);
    await screen.findByTestId('worlds-empty');

    // An empty name is refused with a plain message and creates nothing.
    await fireEvent.click(screen.getByRole('button', { name: 'Create world' }));
    expect((await screen.findByRole('alert', undefined, firstLoad)).textContent).toContain('Give the world a name.');
    expect(await listWorlds()).toHaveLength(0);

    await fireEvent.input(screen.getByLabelText('Name of the new world'), { target: { value: 'Lesson 1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create world' }));
    const item = await screen.findByTestId('world-item', undefined, firstLoad);
    expect(item.textContent).toContain('Lesson 1');

    await fireEvent.click(within(item).getByRole('button', { name: 'Rename' }));
    const input = within(screen.getByTestId('world-item')).getByRole('textbox');
    await fireEvent.input(input, { target: { value: 'Lesson 2' } });
    await fireEvent.click(within(screen.getByTestId('world-item')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('world-item').textContent).toContain('Lesson 2'));

    // Delete asks first; cancel keeps the world.
    await fireEvent.click(within(screen.getByTestId('world-item')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Delete the world “Lesson 2”');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await listWorlds()).toHaveLength(1);

    await fireEvent.click(within(screen.getByTestId('world-item')).getByRole('button', { name: 'Delete' }));
    await fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Confirm' }));
    await screen.findByTestId('worlds-empty');
    expect(await listWorlds()).toHaveLength(0);
  });
});
