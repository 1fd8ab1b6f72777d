"""A WebSocket server on Python's `websockets` (Debian's python3-websockets), scripted by the messages it gets:
  "ping:<payload>"         -> sends a ping with <payload>; when its pong comes, sends "pong-seen:<payload>"
  "close:<code>:<reason>"  -> closes with that code and reason
  anything else            -> echoed, text as text, binary as binary
and a ping from the client is reported as "ping-seen:<payload>" (websockets answers it with a pong by itself).
Prints "PORT <n>" once it listens on 127.0.0.1 (argv[1], 0 for any free port). Run with /usr/bin/python3.
"""
import asyncio
import sys

import websockets
from websockets.frames import OP_PING
from websockets.legacy.server import WebSocketServerProtocol


class Protocol(WebSocketServerProtocol):
    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        if frame.opcode == OP_PING:
            asyncio.ensure_future(self.send("ping-seen:" + frame.data.decode("utf-8")))
        return frame


async def handle(socket, path=None):
    async for message in socket:
        if isinstance(message, str) and message.startswith("ping:"):
            payload = message[5:]
            pong = await socket.ping(payload.encode("utf-8"))
            await pong
            await socket.send("pong-seen:" + payload)
        elif isinstance(message, str) and message.startswith("close:"):
            _, code, reason = message.split(":", 2)
            await socket.close(int(code), reason)
        else:
            await socket.send(message)


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    async with websockets.serve(handle, "127.0.0.1", port, create_protocol=Protocol, max_size=16 * 1024 * 1024, ping_interval=None) as server:
        print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Future()


asyncio.run(main())
