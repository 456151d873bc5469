"""Documents in: reports, papers and responses read into proposed items that a person confirms."""
