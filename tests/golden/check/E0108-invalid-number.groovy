pipeline {
    agent any
    environment {
        123_ABC = "BLARGH"
    }
    stages {
        stage('build') {
            steps {
                echo 'x'
            }
        }
    }
}
