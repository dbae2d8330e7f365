#!/usr/bin/python3
# The hold model on SimPy's kernel, a peer for distsim's figures (tools/bench/README.md): N
# processes each hold for a random time in a loop, so N events are pending; every hold is one
# event. The increments are the xorshift64 draws of tools/bench/kernel_bench.cpp, precomputed so
# that the loop measures the kernel, not the generator. Runs on Debian's python3-simpy (SimPy 2).
# Prints one line per pending count:
#   peer name=simpy_hold pending=N events=E wall_s=W events_per_s=R
# where W and R are the median of the repetitions.
# Usage: /usr/bin/python3 tools/bench/simpy_hold.py [--pending N ...] [--events E] [--repetitions R]
import argparse
import statistics
import time

from SimPy.Simulation import Process, activate, hold, initialize, simulate, stopSimulation

INCREMENT_MAX = 2_000_000 - 1
TABLE_SIZE = 4096
MASK64 = (1 << 64) - 1


def increment_table():
    state = 0x9E3779B97F4A7C15
    table = []
    for _ in range(TABLE_SIZE):
        state ^= (state << 13) & MASK64
        state ^= state >> 7
        state ^= (state << 17) & MASK64
        table.append(1 + state % INCREMENT_MAX)
    return table


class Counter:
    def __init__(self, limit):
        self.left = limit


class Holder(Process):
    def run(self, table, offset, counter):
        index = offset
        while True:
            yield hold, self, table[index]
            index = (index + 1) % TABLE_SIZE
            counter.left -= 1
            if counter.left == 0:
                stopSimulation()


def run_once(pending, events, table):
    initialize()
    counter = Counter(events)
    for number in range(pending):
        holder = Holder()
        activate(holder, holder.run(table, (number * 61) % TABLE_SIZE, counter))
    start = time.perf_counter()
    simulate(until=float("inf"))
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description="SimPy hold model")
    parser.add_argument("--pending", type=int, nargs="+", default=[16, 1024])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    table = increment_table()
    for pending in args.pending:
        run_once(pending, 4 * pending, table)  # warm up the interpreter and allocator
        walls = [run_once(pending, args.events, table) for _ in range(args.repetitions)]
        wall = statistics.median(walls)
        print(f"peer name=simpy_hold pending={pending} events={args.events} wall_s={wall:.4f} "
              f"events_per_s={args.events / wall:.0f}", flush=True)


if __name__ == "__main__":
    main()
