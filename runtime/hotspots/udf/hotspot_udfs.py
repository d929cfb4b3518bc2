"""Python UDFs of the hot-spot job (runtime/hotspots/flink-sql.ts registers them).

Flink SQL has no geohash function. These are the standard geohash (base-32, bits of
longitude and latitude interleaved, longitude first), the same cells as ngeohash in the
TypeScript engine, so both count pickups in the same cells. The launcher ships this file
in `python.files`; the plain functions also run without PyFlink, for tests.
"""

_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def encode(lon, lat, precision):
    """The geohash of (lon, lat) with `precision` characters."""
    lon_range = [-180.0, 180.0]
    lat_range = [-90.0, 90.0]
    chars = []
    bits = 0
    bit_count = 0
    even = True  # even bits refine longitude
    while len(chars) < precision:
        value, span = (lon, lon_range) if even else (lat, lat_range)
        middle = (span[0] + span[1]) / 2
        if value > middle:
            bits = bits * 2 + 1
            span[0] = middle
        else:
            bits = bits * 2
            span[1] = middle
        even = not even
        bit_count += 1
        if bit_count == 5:
            chars.append(_BASE32[bits])
            bits = 0
            bit_count = 0
    return "".join(chars)


def centre(cell):
    """The centre of a geohash cell as "lat,lon", the string form of an OpenSearch geo_point."""
    lon_range = [-180.0, 180.0]
    lat_range = [-90.0, 90.0]
    even = True
    for char in cell:
        index = _BASE32.index(char)
        for shift in range(4, -1, -1):
            span = lon_range if even else lat_range
            middle = (span[0] + span[1]) / 2
            if (index >> shift) & 1:
                span[0] = middle
            else:
                span[1] = middle
            even = not even
    lat = (lat_range[0] + lat_range[1]) / 2
    lon = (lon_range[0] + lon_range[1]) / 2
    return "%s,%s" % (repr(lat), repr(lon))


try:
    from pyflink.table import DataTypes
    from pyflink.table.udf import udf

    geohash = udf(encode, result_type=DataTypes.STRING())
    geohash_centre = udf(centre, result_type=DataTypes.STRING())
except ImportError:  # no PyFlink: the plain functions stay usable
    pass
