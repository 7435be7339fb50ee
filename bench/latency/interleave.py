#!/usr/bin/env python3
"""Wall time of two commands run alternately (A B A B ...), so both see the same machine load.

interleave.py ROUNDS STDIN_FILE -- CMD_A... -- CMD_B...
Prints: median_a_ms median_b_ms median_of_per_round_ratios (A/B). STDIN_FILE '-' = /dev/null.
Each command is spawned directly (no shell); stdout and stderr go to /dev/null.
"""
import os
import statistics
import sys
import time


def spawn_wait(argv, stdin_path):
    fd_in = os.open(stdin_path, os.O_RDONLY)
    fd_null = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, fd_in, 0), (os.POSIX_SPAWN_DUP2, fd_null, 1),
               (os.POSIX_SPAWN_DUP2, fd_null, 2)]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd_in)
    os.close(fd_null)
    return elapsed, os.waitstatus_to_exitcode(status)


def main():
    rounds, stdin_path = int(sys.argv[1]), sys.argv[2]
    stdin_path = os.devnull if stdin_path == "-" else stdin_path
    rest = sys.argv[3:]
    split = [i for i, a in enumerate(rest) if a == "--"]
    cmd_a, cmd_b = rest[split[0] + 1:split[1]], rest[split[1] + 1:]
    for _ in range(3):  # warm the page cache for both
        spawn_wait(cmd_a, stdin_path)
        spawn_wait(cmd_b, stdin_path)
    times_a, times_b, ratios = [], [], []
    for i in range(rounds):
        # Alternate which goes first so neither always follows the other.
        order = [(cmd_a, times_a), (cmd_b, times_b)]
        if i % 2:
            order.reverse()
        for cmd, times in order:
            times.append(spawn_wait(cmd, stdin_path)[0])
        ratios.append(times_a[-1] / times_b[-1])
    print(f"{statistics.median(times_a) * 1000:.2f} {statistics.median(times_b) * 1000:.2f} "
          f"{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
