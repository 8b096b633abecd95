#!/bin/sh
# Differential test against qemu-arm: sh run.sh [dp|mem] [seed] [count]
# Needs binutils-arm-none-eabi and qemu-user (Debian packages); run from this directory.
set -e
kind=${1:-dp}; seed=${2:-1}; count=${3:-3000}
python3 gen.py "$kind" "$seed" "$count"
arm-none-eabi-as -march=armv7-a -o prog.o prog.S
arm-none-eabi-ld -Ttext=0x10000 --section-start=.buf=0x200000 -o prog.elf prog.o
qemu-arm -cpu cortex-a9 prog.elf > qemu.bin
node --import tsx compare.mts
rm -f prog.o prog.elf prog.S qemu.bin cases.json
