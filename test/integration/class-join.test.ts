// Class mode's snapshot (#20): the teacher opens a class from the B2C lab's prepared world (its
// users certified, its snapshot at sequence 0); a student's PC joins from the snapshot and lands
// on the same world digest; a student cannot open a class that has not started; a class whose
// stream already holds commands is not opened again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorldDb } from '../../src/app/worlds.ts';
import { worldDigest } from '../../src/app/replay.ts';
import { latestCertificateOf } from '../../src/app/identity/ca.ts';
import { ClassTransport } from '../../src/sync/class/transport.ts';
import { createClass, joinClass } from '../../src/sync/class/class-tab.ts';
import { classLinkOf } from '../../src/sync/class/link.ts';
import { indexedDbProgress } from '../../src/sync/class/replica.ts';
import { demoClass, nodeWebSocketFactory, startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import '../../src/app/features.ts';

// localStorage for the class links (jsdom is not this project's environment).
const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
};

describe('class mode: open a class, join it from its snapshot', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('the joiner imports the teacher’s snapshot to the same digest; not started and already started are refused', async () => {
    const base = { server: server.wsUrl, code: 'demo', wsFactory: nodeWebSocketFactory, createdAtMs: 0 };
    expect(await joinClass({ ...base, studentPassword: demoClass.student.pass, worldId: 'too-early', worldName: 'early' })).toMatchObject({ ok: false, code: 'class_not_started' });
    expect(await joinClass({ ...base, studentPassword: 'wrong', worldId: 'wrong-login', worldName: 'x' })).toMatchObject({ ok: false, code: 'class_server_refused_login' });

    const created = await createClass({ ...base, teacherPassword: demoClass.teacher.pass, worldId: 'class-teacher', worldName: 'Class' });
    if (!created.ok) throw new Error(created.code);
    expect(classLinkOf('class-teacher')).toMatchObject({ code: 'demo', user: 'demo-teacher', role: 'teacher' });
    const teacherDb = openWorldDb(created.value.entry);
    // Every lab user can sign class commands: each has a certificate.
    for (const party of ['u-lab_seller', 'u-lab_buyer']) expect(await latestCertificateOf(teacherDb, party)).toBeDefined();

    const joined = await joinClass({ ...base, studentPassword: demoClass.student.pass, worldId: 'class-student', worldName: 'Class' });
    if (!joined.ok) throw new Error(joined.code);
    expect(classLinkOf('class-student')).toMatchObject({ code: 'demo', user: 'demo-student', role: 'student' });
    const studentDb = openWorldDb(joined.value);
    expect((await worldDigest(studentDb)).digest).toBe((await worldDigest(teacherDb)).digest);
    expect(await indexedDbProgress(joined.value.dbName).read()).toBe(0);

    // Once the stream holds a command, the class is not opened again over it.
    const t = await ClassTransport.connect({ servers: server.wsUrl, classCode: 'demo', user: demoClass.teacher.user, pass: demoClass.teacher.pass, wsFactory: nodeWebSocketFactory });
    if (!t.ok) throw new Error(t.code);
    await t.value.publish('any-1', new TextEncoder().encode('{}'));
    await t.value.close();
    expect(await createClass({ ...base, teacherPassword: demoClass.teacher.pass, worldId: 'class-again', worldName: 'Again' })).toMatchObject({ ok: false, code: 'class_already_started' });
    teacherDb.close();
    studentDb.close();
  });
});
