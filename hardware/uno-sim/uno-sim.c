// A simulated Arduino Uno for the tests and `rikscha sim --uno`: simavr runs a firmware hex (StandardFirmata), USART0
// is a pseudo-terminal, a PCF8574 I2C expander answers at 0x27, and a line protocol on stdin/stdout shows the pins.
//
//   uno-sim <firmware.hex> <pty-link>
//
// stdout, one line each (flushed at once):
//   ready <pty-path>             the pty is open (the firmware then boots: ~1.9 s of blinking pin 13)
//   pin <n> <0|1>                an output pin (Arduino numbering: 0..13, A0..A5 = 14..19) changed
//   i2c <addr> <hex bytes>       one write transaction to the expander, at its STOP (addr in hex, 7-bit)
//   sync <token> <sim-ms>        answer to `sync`, after every pin change that happened before it
// stdin:
//   in <n> <0|1>                 drive an input pin (a button to ground: 0 = pressed); it stays driven
//   sync <token>                 answered as above
//   hold <0|1>                   1: stop reading the pty (a hung board: the host's writes pile up), 0: read again
// End of stdin, SIGTERM or SIGINT end the simulator and remove the link.
//
// Why our own pty bridge rather than simavr's uart_pty part: simavr 1.6's part stops passing host bytes to the AVR
// once its FIFO filled in the middle of a read, until the firmware transmits again; Firmata transmits nothing in
// steady state, so the first screen paint stalled after ~18 characters. This bridge is serviced from the simulation
// itself every simulated millisecond and feeds the USART only while it signals XON.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "avr_ioport.h"
#include "avr_twi.h"
#include "avr_uart.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_hex.h"
#include "sim_io.h"
#include "sim_irq.h"
#include "sim_time.h"

#define FREQUENCY 16000000u
#define SERVICE_US 1000
#define PCF8574_ADDR 0x27
#define BUF_SIZE 65536

static avr_t *avr;
static const char *link_path;
static int master_fd = -1;
static int slave_fd = -1;
static volatile sig_atomic_t stop_requested = 0;

// Bytes from the AVR's USART waiting for the pty, and host bytes waiting for the USART.
static uint8_t tx_buf[BUF_SIZE];
static size_t tx_len;
static uint8_t rx_buf[4096];
static size_t rx_head, rx_len;
static int uart_xoff;
static int hold_reads;
static avr_irq_t *uart_irq;

// Pins: Arduino n -> port and bit. D0..7 = PD0..7, D8..13 = PB0..5, A0..A5 (14..19) = PC0..5.
#define PIN_COUNT 20
static char pin_port(int n) { return n < 8 ? 'D' : n < 14 ? 'B' : 'C'; }
static int pin_bit(int n) { return n < 8 ? n : n < 14 ? n - 8 : n - 14; }
static int reported[PIN_COUNT];   // last reported output level, -1 = not an output
static int driven[PIN_COUNT];     // level an input is held at from outside, -1 = not driven

// The PCF8574 peer.
static avr_irq_t *twi_irq;
static int twi_selected;
static uint8_t twi_bytes[256];
static size_t twi_len;
static uint8_t pcf_port = 0xff;

static void out_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static void on_uart_out(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  if (tx_len < BUF_SIZE) tx_buf[tx_len++] = (uint8_t)value;
}
static void on_uart_xon(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_xoff = 0;
}
static void on_uart_xoff(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_xoff = 1;
}

static void twi_reply(uint8_t cond, uint8_t data) {
  avr_raise_irq(twi_irq + TWI_IRQ_INPUT, avr_twi_irq_msg(cond, (uint8_t)twi_selected, data));
}

static void on_twi(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  avr_twi_msg_irq_t v;
  v.u.v = value;
  if (v.u.twi.msg & TWI_COND_STOP) {
    if (twi_selected && twi_len > 0) {
      char hex[sizeof twi_bytes * 2 + 1];
      for (size_t i = 0; i < twi_len; i++) sprintf(hex + 2 * i, "%02x", twi_bytes[i]);
      hex[twi_len * 2] = 0;
      out_line("i2c %02x %s", PCF8574_ADDR, hex);
    }
    twi_selected = 0;
    twi_len = 0;
  }
  if (v.u.twi.msg & TWI_COND_START) {
    twi_selected = 0;
    twi_len = 0;
    // The address byte carries R/W in bit 0: 0x4E writes to 0x27, 0x4F reads from it.
    if ((v.u.twi.addr >> 1) == PCF8574_ADDR) {
      twi_selected = v.u.twi.addr;
      twi_reply(TWI_COND_ACK, 1);
    }
  }
  if (!twi_selected) return;
  if (v.u.twi.msg & TWI_COND_WRITE) {
    twi_reply(TWI_COND_ACK, 1);
    pcf_port = v.u.twi.data;
    if (twi_len < sizeof twi_bytes) twi_bytes[twi_len++] = v.u.twi.data;
  }
  if (v.u.twi.msg & TWI_COND_READ) twi_reply(TWI_COND_READ, pcf_port);
}

static avr_ioport_state_t port_state(char name) {
  avr_ioport_state_t s;
  memset(&s, 0, sizeof s);
  avr_ioctl(avr, AVR_IOCTL_IOPORT_GETSTATE(name), &s);
  return s;
}

static void drive_pin(int n, int level) {
  avr_irq_t *irq = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(pin_port(n)), pin_bit(n));
  if (irq) avr_raise_irq(irq, level ? 1 : 0);
}

// Reports output pins whose level changed, and holds driven inputs where they were put: simavr re-applies the
// internal pull-up of a whole port when the firmware writes it, which would otherwise release a pressed button.
static void scan_pins(void) {
  avr_ioport_state_t b = port_state('B'), c = port_state('C'), d = port_state('D');
  for (int n = 0; n < PIN_COUNT; n++) {
    avr_ioport_state_t *s = n < 8 ? &d : n < 14 ? &b : &c;
    int bit = pin_bit(n);
    int output = (s->ddr >> bit) & 1;
    int level = output ? (s->port >> bit) & 1 : -1;
    if (level != reported[n]) {
      if (level >= 0) out_line("pin %d %d", n, level);
      reported[n] = level;
    }
    if (!output && driven[n] >= 0 && ((s->pin >> bit) & 1) != driven[n]) drive_pin(n, driven[n]);
  }
}

static uint64_t sim_ms(void) { return avr->cycle / (FREQUENCY / 1000); }

static void handle_command(char *line) {
  int n, level;
  char token[64];
  if (sscanf(line, "in %d %d", &n, &level) == 2 && n >= 0 && n < PIN_COUNT) {
    driven[n] = level ? 1 : 0;
    drive_pin(n, driven[n]);
  } else if (sscanf(line, "sync %63s", token) == 1) {
    scan_pins();
    out_line("sync %s %llu", token, (unsigned long long)sim_ms());
  } else if (sscanf(line, "hold %d", &level) == 1) {
    hold_reads = level;
  } else if (line[0]) {
    fprintf(stderr, "uno-sim: unknown command: %s\n", line);
  }
}

static char cmd_buf[1024];
static size_t cmd_len;

static void read_stdin(void) {
  for (;;) {
    ssize_t r = read(0, cmd_buf + cmd_len, sizeof cmd_buf - 1 - cmd_len);
    if (r == 0) {
      stop_requested = 1;
      return;
    }
    if (r < 0) return;
    cmd_len += (size_t)r;
    char *start = cmd_buf, *nl;
    while ((nl = memchr(start, '\n', cmd_len - (size_t)(start - cmd_buf)))) {
      *nl = 0;
      handle_command(start);
      start = nl + 1;
    }
    cmd_len -= (size_t)(start - cmd_buf);
    memmove(cmd_buf, start, cmd_len);
    if (cmd_len == sizeof cmd_buf - 1) cmd_len = 0;  // a line too long to be a command
  }
}

static void service_pty(void) {
  while (tx_len > 0) {
    ssize_t w = write(master_fd, tx_buf, tx_len);
    if (w <= 0) break;  // the host is not reading: keep the bytes (up to 64 KB) for later
    memmove(tx_buf, tx_buf + w, tx_len - (size_t)w);
    tx_len -= (size_t)w;
  }
  if (!hold_reads && rx_len == 0) {
    ssize_t r = read(master_fd, rx_buf, sizeof rx_buf);
    if (r > 0) {
      rx_head = 0;
      rx_len = (size_t)r;
    }
  }
  // The USART's FIFO takes bytes until it raises XOFF; the rest waits here, and in the kernel, for its XON.
  while (rx_len > 0 && !uart_xoff) {
    avr_raise_irq(uart_irq + UART_IRQ_INPUT, rx_buf[rx_head++]);
    rx_len--;
  }
}

// Keeps simulated time from running ahead of the wall clock (the firmware never sleeps, so simavr would spin).
static uint64_t wall_base_ns;
static uint64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
static void pace(void) {
  uint64_t sim_ns = avr->cycle * 125 / 2;  // 62.5 ns a cycle at 16 MHz
  uint64_t wall = mono_ns() - wall_base_ns;
  if (sim_ns > wall + 1000000ull) {
    uint64_t ahead = sim_ns - wall;
    struct timespec t = {(time_t)(ahead / 1000000000ull), (long)(ahead % 1000000000ull)};
    nanosleep(&t, NULL);
  } else if (wall > sim_ns + 100000000ull) {
    // Far behind (a loaded machine, a stopped process): do not race to catch up, lag by at most 100 ms.
    wall_base_ns += wall - sim_ns - 100000000ull;
  }
}

static avr_cycle_count_t service(avr_t *a, avr_cycle_count_t when, void *param) {
  (void)a;
  (void)param;
  scan_pins();
  service_pty();
  read_stdin();
  pace();
  return when + avr_usec_to_cycles(avr, SERVICE_US);
}

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int open_pty(void) {
  master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (master_fd < 0 || grantpt(master_fd) < 0 || unlockpt(master_fd) < 0) return -1;
  const char *name = ptsname(master_fd);
  if (!name) return -1;
  // Held open by us too, so the master never sees a hang-up while the host reopens its end.
  slave_fd = open(name, O_RDWR | O_NOCTTY);
  if (slave_fd < 0) return -1;
  struct termios tio;
  tcgetattr(slave_fd, &tio);
  cfmakeraw(&tio);
  tcsetattr(slave_fd, TCSANOW, &tio);
  unlink(link_path);
  if (symlink(name, link_path) < 0) return -1;
  out_line("ready %s", name);
  return 0;
}

static int load_hex(const char *file) {
  ihex_chunk_p chunks = NULL;
  int count = read_ihex_chunks(file, &chunks);
  if (count <= 0) return -1;
  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  strcpy(fw.mmcu, "atmega328p");
  fw.frequency = FREQUENCY;
  // Without these the ADC reads garbage: simavr leaves them 0 after loading a hex.
  fw.vcc = fw.avcc = fw.aref = 5000;
  for (int i = 0; i < count; i++) {
    if (chunks[i].baseaddr < 0x800000) {
      fw.flash = chunks[i].data;
      fw.flashsize = chunks[i].size;
      fw.flashbase = chunks[i].baseaddr;
    }
  }
  if (!fw.flash) return -1;
  avr_load_firmware(avr, &fw);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: uno-sim <firmware.hex> <pty-link>\n");
    return 2;
  }
  link_path = argv[2];
  avr = avr_make_mcu_by_name("atmega328p");
  if (!avr) return 3;
  avr_init(avr);
  avr->frequency = FREQUENCY;
  if (load_hex(argv[1]) < 0) {
    fprintf(stderr, "uno-sim: cannot load %s\n", argv[1]);
    return 3;
  }
  avr->frequency = FREQUENCY;
  avr->vcc = avr->avcc = avr->aref = 5000;

  // USART0: our bridge, without simavr's console echo and its sleep while the firmware polls.
  uint32_t flags = 0;
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  uart_irq = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), 0);
  avr_irq_register_notify(uart_irq + UART_IRQ_OUTPUT, on_uart_out, NULL);
  avr_irq_register_notify(uart_irq + UART_IRQ_OUT_XON, on_uart_xon, NULL);
  avr_irq_register_notify(uart_irq + UART_IRQ_OUT_XOFF, on_uart_xoff, NULL);

  static const char *twi_names[2] = {"8>pcf8574.out", "32<pcf8574.in"};
  twi_irq = avr_alloc_irq(&avr->irq_pool, 0, 2, twi_names);
  avr_irq_register_notify(twi_irq + TWI_IRQ_OUTPUT, on_twi, NULL);
  avr_connect_irq(twi_irq + TWI_IRQ_INPUT, avr_io_getirq(avr, AVR_IOCTL_TWI_GETIRQ(0), TWI_IRQ_INPUT));
  avr_connect_irq(avr_io_getirq(avr, AVR_IOCTL_TWI_GETIRQ(0), TWI_IRQ_OUTPUT), twi_irq + TWI_IRQ_OUTPUT);

  for (int n = 0; n < PIN_COUNT; n++) {
    reported[n] = -1;
    driven[n] = -1;
  }
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  if (open_pty() < 0) {
    fprintf(stderr, "uno-sim: cannot create the pty at %s: %s\n", link_path, strerror(errno));
    return 4;
  }
  wall_base_ns = mono_ns();
  avr_cycle_timer_register_usec(avr, SERVICE_US, service, NULL);
  int state = cpu_Running;
  while (!stop_requested && state != cpu_Done && state != cpu_Crashed) state = avr_run(avr);
  unlink(link_path);
  // No avr_terminate: nothing of ours needs it, and the process ends here.
  return state == cpu_Crashed ? 5 : 0;
}
