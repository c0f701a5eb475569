pipeline {
    agent any
    environment {
        hey-look = "BLARGH"
    }
    stages {
        stage('build') {
            steps {
                echo 'x'
            }
        }
    }
}
