node {
    echo 'scripted'
}
