# A persistent interpreter for one coding session, run inside the sandbox. Protocol: the host writes
# a line "<byte length of the code> <nonce>", then the code; the driver answers on a private copy of the
# original stdout with one line "<nonce> " + JSON {"stdout", "stderr", "exit_code"}. The nonce is fresh
# for every run, so a line the snippet writes to the channel itself is not a result and is skipped. Globals persist between
# snippets. Snippet output is captured at the file-descriptor level, so subprocess output and
# os.write(1, ...) are captured too and can never corrupt the protocol.
import json, os, sys, tempfile, traceback

LIMIT = 65536
protocol = os.fdopen(os.dup(1), "w")
stdin = os.fdopen(os.dup(0), "rb")
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
namespace = {"__name__": "__main__"}


def read_back(f):
    f.seek(0)
    data = f.read(LIMIT + 1).decode("utf-8", "replace")
    return data if len(data) <= LIMIT else data[:LIMIT] + "\n[output truncated]"


while True:
    header = stdin.readline()
    if not header:
        break
    length, nonce = header.decode("ascii", "replace").split()
    code = stdin.read(int(length)).decode("utf-8", "replace")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        exit_code = 0
        try:
            exec(compile(code, "<snippet>", "exec"), namespace)
        except SystemExit as e:
            exit_code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
            exit_code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        result = {"stdout": read_back(out), "stderr": read_back(err), "exit_code": exit_code}
    protocol.write(nonce + " " + json.dumps(result) + "\n")
    protocol.flush()
