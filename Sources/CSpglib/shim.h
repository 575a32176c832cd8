#include <spglib.h>
