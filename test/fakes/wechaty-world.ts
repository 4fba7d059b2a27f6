import { FileBox } from 'file-box';
import { ScanStatus } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { registerPuppet } from '../../connectors/wechaty/puppets.js';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;
/** The part of the mock's message a test reads. */
interface MessageMock {
  id: string;
  talker(): { id: string };
  text(): string | undefined;
}
/** The mock's users are event emitters (typed with a package the mock does not install). */
const onMessage = (user: ContactMock | RoomMock, listener: (m: MessageMock) => void) =>
  (user as unknown as import('node:events').EventEmitter).on('message', listener);

/** What reached a customer or a room from the bot. */
export interface Delivered {
  to: string;
  room?: string;
  text?: string;
  file?: { name: string; bytes: Buffer };
}

export const LOGIN_QR = 'https://login.weixin.qq.com/l/IaysbZa04Q==';

/**
 * WeChat as a Wechaty puppet sees it, offline: `wechaty-puppet-mock` with one bot account and
 * the customers and rooms a test makes. The bot's puppet asks for a QR scan when it starts and
 * logs in when the test says the code was scanned (or at once, with `autoLogin`). Registered as
 * a puppet factory under `name`, so a channel with `puppet: name` runs on it.
 */
export class WechatWorld {
  readonly mocker = new mock.Mocker();
  readonly account: ContactMock;
  readonly delivered: Delivered[] = [];
  private puppet?: PuppetMock;
  private readonly unregister: () => void;

  constructor(
    readonly name = 'wechaty-puppet-mock',
    private readonly autoLogin = false,
  ) {
    this.account = this.mocker.createContact({ name: '茶叶小店客服' });
    const world = this;
    class WorldPuppet extends PuppetMock {
      override async onStart() {
        await super.onStart();
        setImmediate(() => {
          world.mocker.scan(LOGIN_QR, ScanStatus.Waiting);
          if (world.autoLogin) world.scanned();
        });
      }
    }
    this.unregister = registerPuppet(name, () => {
      this.puppet = new WorldPuppet({ mocker: this.mocker });
      return this.puppet;
    });
  }

  /** The account owner scanned the code and confirmed on the phone. */
  scanned(): void {
    this.mocker.login(this.account);
  }

  logout(): Promise<void> {
    return this.puppet!.logout();
  }

  get loggedIn(): boolean {
    return Boolean(this.puppet?.isLoggedIn);
  }

  customer(name: string): ContactMock {
    const contact = this.mocker.createContact({ name });
    onMessage(contact, (m) => this.record(m, contact.id));
    return contact;
  }

  room(topic: string, members: ContactMock[]): RoomMock {
    const room = this.mocker.createRoom({ topic, memberIdList: [this.account.id, ...members.map((m) => m.id)] });
    onMessage(room, (m) => this.record(m, room.id, room.id));
    return room;
  }

  /** A picture as a customer's phone sends it. */
  static image(bytes: Buffer, name: string): FileBox {
    return FileBox.fromBase64(bytes.toString('base64'), name);
  }

  private record(message: MessageMock, to: string, room?: string): void {
    if (message.talker().id !== this.account.id) return;
    const json = this.mocker.cacheFileBoxPayload.get(message.id) as { base64?: string; name?: string } | undefined;
    this.delivered.push({
      to,
      ...(room ? { room } : {}),
      ...(json ? { file: { name: json.name ?? '', bytes: Buffer.from(json.base64 ?? '', 'base64') } } : { text: message.text() }),
    });
  }

  close(): void {
    this.unregister();
  }
}
