#!/usr/bin/env python3
"""Sorts the samples of a `perf script` dump (cpu-clock, with call graphs) of one JVM into where the time
went: the kernel's TCP path, thread wake-ups, epoll, Java code, the JIT compiler, the collector, virtual
thread mounts. Used by scripts/profile-server; usage: perf-categories.py PERF_SCRIPT_OUTPUT"""
import sys, re, collections
cats = collections.Counter(); threads = collections.Counter(); total = 0; thread = ''
def classify(frames):
    # frames: list of (sym, dso), leaf first; thread: the sampled thread's name
    if thread.startswith(('C1 Compiler', 'C2 Compiler')):
        return 'JVM: JIT compiler threads'
    if thread.startswith(('GC Thread', 'G1 ')):
        return 'JVM: garbage collector threads'
    leaf_sym, leaf_dso = frames[0]
    syms = ' '.join(s for s, d in frames)
    if 'kernel' in leaf_dso:
        if re.search(r'ext4_|generic_perform_write|filemap_|iomap_|jbd2|__block_commit', syms):
            return 'kernel: file writes (page cache, ext4)'
        if re.search(r'tcp_|ip_|nf_|inet_|sock_|skb|net_rx|__dev_queue|loopback|bbr_|__netif|sk_|__sys_sendto|__sys_recvfrom|vfs_read|vfs_write', syms):
            if re.search(r'schedule|futex', ' '.join(s for s, d in frames[:3])):
                return 'kernel: scheduling, thread wake-ups (futex)'
            return 'kernel: TCP/IP loopback (read, write, netfilter)'
        if re.search(r'epoll|ep_', syms):
            return 'kernel: epoll'
        if re.search(r'futex|schedule|try_to_wake|wake_up|finish_task_switch|_raw_spin_unlock_irqrestore', syms):
            return 'kernel: scheduling, thread wake-ups (futex)'
        return 'kernel: other (syscall entry, time, memory)'
    if 'perf-' in leaf_dso and leaf_dso.endswith('.map'):
        return 'Java code (JIT-compiled)'
    if 'libjvm' in leaf_dso:
        if re.search(r'Thaw|Freeze|StackChunk|Continuation|thaw|freeze', leaf_sym):
            return 'JVM: virtual-thread mount/unmount (freeze/thaw)'
        if re.search(r'Phase|Compile|C2|ciEnv|Node|PhaseChaitin|Parse|GraphKit|LIR|Compilation|Matcher|IdealLoop|PhaseIter|Type', syms):
            return 'JVM: JIT compiler'
        if re.search(r'G1|GC|Heap|Mark|Evac|Young|Card', syms):
            return 'JVM: garbage collector'
        return 'JVM: other (runtime, interpreter, stubs)'
    if 'libc' in leaf_dso or 'vdso' in leaf_dso or 'libnio' in leaf_dso or 'libjava' in leaf_dso:
        return 'native libraries (libc, vdso, libnio)'
    return 'other'
frames = []
for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    if not line.strip():
        if frames:
            cats[classify(frames)] += 1; total += 1; frames = []
        continue
    if line[0] not in ' \t':
        thread = re.split(r'\s+\d+\s+[\d.]+:', line)[0]  # header: thread name, tid, time
        threads[thread] += 1
        continue
    m = re.match(r'\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)$', line)
    if m:
        frames.append((m.group(1), m.group(2)))
if frames:
    cats[classify(frames)] += 1; total += 1
for c, n in cats.most_common():
    print(f"{100*n/total:5.1f} %  {c}")
print(f"({total} samples; by thread: " + ", ".join(f"{t} {100*n/total:.0f} %" for t, n in threads.most_common(6)) + ")")
