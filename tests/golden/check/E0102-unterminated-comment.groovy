pipeline {
    agent any
    /* this comment is never closed
    stages {
    }
}
