"""Paper ballots: print them (R-BALLOT-1/2), read scans back with OpenCV, adjudicate what is unsure."""
