// The one main() of the Catch2 test binary (RapidCheck properties run inside Catch test cases).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
