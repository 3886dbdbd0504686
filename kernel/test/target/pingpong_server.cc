// pingpong_server.cc — the server side of the ping-pong test.
#include "common.h"

int main() {
  courier::Server server;
  if (courier::Server::create(test::kPongSid, &server) != courier::abi::Error::Ok) return 1;
  uint32_t sum = 0, count = 0;
  bool paused = false;
  courier::Message m{};
  (void)server.receive(&m);
  for (;;) {
    uint32_t r0 = 0, r1 = 0;
    switch (m.id) {
      case 1:
        r0 = m.w[0] + m.w[1];
        r1 = m.w[2] ^ m.w[3];
        break;
      case 2: sum += m.w[0]; break;
      case 3: r0 = sum; break;
      case 4: paused = true; break;  // stop receiving while the client fills the queue
      case 5:
      case 6: ++count; break;
      case 7: r0 = count; break;
      default: break;
    }
    if (paused) {
      // Answer, then let the client run and fill the queue; its blocking send (id 6) waits
      // for the room the next receive makes.
      (void)server.reply(m, 0);
      for (int i = 0; i < 50; ++i) (void)courier::sys::yield();
      paused = false;
      (void)server.receive(&m);
      continue;
    }
    (void)server.reply_and_receive(&m, r0, r1);
  }
}
