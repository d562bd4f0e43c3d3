"""A loopback SMTP server for the notification tests and the email benchmark (python3-aiosmtpd).

usage: python3 smtp_sink.py PORT FOLDER [CERT KEY]
With CERT and KEY (PEM files) the server offers STARTTLS and requires it before MAIL.
Writes each accepted message to FOLDER/NNNNNN.eml (complete files only: written aside, then renamed) and the
client's port per message to FOLDER/sessions.log, so a test can tell how many connections carried the mail.
Recipients containing "reject" get 550 (permanent), those containing "defer" get 451 (try later).
While FOLDER/hold-after holds a number N, the message after the N-th waits at its DATA (not stored, no answer) until
the file is removed: a sender caught mid-send, however fast or slow the machine.
Runs until its standard input closes.
"""
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address.lower():
            return "550 5.1.1 Mailbox unavailable"
        if "defer" in address.lower():
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        hold = os.path.join(self.folder, "hold-after")
        while os.path.exists(hold) and self.stored() >= int(open(hold).read().strip() or "0"):
            await asyncio.sleep(0.05)
        n = next(self.numbers)
        aside = os.path.join(self.folder, f".{n:06d}.tmp")
        with open(aside, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(aside, os.path.join(self.folder, f"{n:06d}.eml"))
        with open(os.path.join(self.folder, "sessions.log"), "a") as log:
            log.write(f"{session.peer[1]}\n")
        return "250 2.0.0 Message accepted"

    def stored(self):
        return sum(1 for name in os.listdir(self.folder) if name.endswith(".eml"))


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    tls = {}
    if len(sys.argv) > 4:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, **tls)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
